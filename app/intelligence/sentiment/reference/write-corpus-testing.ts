// Writes reference/corpus.json, the texts reference/compute.py scores with the Python VADER:
//   sh scripts/node.sh --import tsx app/intelligence/sentiment/reference/write-corpus-testing.ts
import { writeFileSync } from "node:fs";
import { labelledCorpus } from "../corpus-testing";

writeFileSync(new URL("./corpus.json", import.meta.url), `${JSON.stringify(labelledCorpus(), null, 1)}\n`);
