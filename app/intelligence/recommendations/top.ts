// The best `n` of a row of scores, kept sorted while scanning (n is small: 20 to 100), so a
// row of 10,000 candidates costs a pass, not a sort. Ties go to the lower index, which
// keeps every list deterministic.

export interface Scored {
  index: number;
  score: number;
}

export class TopN {
  private readonly items: Scored[] = [];
  constructor(private readonly n: number) {}

  offer(index: number, score: number): void {
    const items = this.items;
    if (items.length === this.n) {
      const last = items[items.length - 1]!;
      if (score < last.score || (score === last.score && index > last.index)) return;
      items.pop();
    }
    let at = items.length;
    while (at > 0) {
      const prev = items[at - 1]!;
      if (prev.score > score || (prev.score === score && prev.index < index)) break;
      at--;
    }
    items.splice(at, 0, { index, score });
  }

  sorted(): Scored[] {
    return this.items.slice();
  }
}

/** Orders by score descending, then index ascending. */
export const byScore = (a: Scored, b: Scored) => b.score - a.score || a.index - b.index;
