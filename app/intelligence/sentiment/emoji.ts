// The JavaScript port of VADER predates the Python version's emoji support, which replaces
// each emoji by its CLDR short name before scoring ("😍" → "smiling face with heart-eyes"),
// so the words carry the valence. We do the same for the emoji reviews commonly carry; the
// names are copied from vaderSentiment's emoji_utf8_lexicon.txt (MIT, C.J. Hutto), so the
// reference check against the Python implementation holds for these.
const NAMES: Record<string, string> = {
  "😍": "smiling face with heart-eyes",
  "😊": "smiling face with smiling eyes",
  "🙂": "slightly smiling face",
  "😀": "grinning face",
  "😁": "beaming face with smiling eyes",
  "😃": "grinning face with big eyes",
  "😄": "grinning face with smiling eyes",
  "😆": "grinning squinting face",
  "😂": "face with tears of joy",
  "😉": "winking face",
  "😘": "face blowing a kiss",
  "🤩": "star-struck",
  "🥰": "smiling face with 3 hearts",
  "❤": "red heart",
  "💖": "sparkling heart",
  "💕": "two hearts",
  "💔": "broken heart",
  "👍": "thumbs up",
  "👎": "thumbs down",
  "👌": "OK hand",
  "🙏": "folded hands",
  "💯": "hundred points",
  "🔥": "fire",
  "⭐": "star",
  "✨": "sparkles",
  "🎉": "party popper",
  "😐": "neutral face",
  "😑": "expressionless face",
  "🤔": "thinking face",
  "😕": "confused face",
  "🙁": "slightly frowning face",
  "☹": "frowning face",
  "😞": "disappointed face",
  "😒": "unamused face",
  "🙄": "face with rolling eyes",
  "😬": "grimacing face",
  "😢": "crying face",
  "😭": "loudly crying face",
  "😩": "weary face",
  "😫": "tired face",
  "😖": "confounded face",
  "😤": "face with steam from nose",
  "😠": "angry face",
  "😡": "pouting face",
  "🤬": "face with symbols on mouth",
  "🤮": "face vomiting",
  "💩": "pile of poo",
};

/** `text` with each known emoji replaced by its name, spaced as vaderSentiment does. */
export function describeEmoji(text: string): string {
  let out = "";
  let afterSpace = true;
  for (const char of text) {
    const name = NAMES[char];
    if (name !== undefined) {
      out += (afterSpace ? "" : " ") + name;
      afterSpace = false;
    } else {
      out += char;
      afterSpace = char === " ";
    }
  }
  return out.trim();
}
