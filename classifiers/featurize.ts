/**
 * The one featurizer shared by training, the ONNX export's reference forward pass and serving.
 *
 * Text is split into tokens: runs of letters/marks/digits/underscore ("words", cut every `maxWordChars`
 * characters so no token grows without bound), single Han ideographs and kana (scripts without spaces), and
 * single non-space symbols. Each word is NFKC-normalized, lower-cased and folded (`normalize.ts`: invisible
 * characters, look-alike letters, diacritics, leetspeak) on its own, so normalizing per word gives the same result
 * whether the text arrives whole or in deltas. Features, hashed (FNV-1a, 32 bit) into `buckets` rows of the embedding table:
 * - word/symbol unigrams,
 * - token bigrams (previous token, this token),
 * - character n-grams (`minN`..`maxN`) of `<word>`, fastText style,
 * - one end-of-bag feature, so a bag is never empty.
 * Only the first `maxTokens` tokens of a bag count (explicit, consistent truncation).
 */
import { foldLeet, foldWord, isInvisible, mayBeLeet } from "./normalize.ts";

/** Featurizer settings, stored in the model manifest. */
export interface FeaturizerSettings {
  /** Number of hash buckets (a power of two). */
  readonly buckets: number;
  /** Smallest character n-gram length. @defaultValue 3 */
  readonly minN: number;
  /** Largest character n-gram length (0 disables character n-grams). @defaultValue 5 */
  readonly maxN: number;
  /** Whether to add token bigrams. @defaultValue true */
  readonly bigrams: boolean;
  /** Words are cut into tokens of at most this many characters. @defaultValue 40 */
  readonly maxWordChars: number;
  /** Tokens per bag beyond this are ignored. @defaultValue 1024 */
  readonly maxTokens: number;
  /** Hash seed. */
  readonly seed: number;
}

/** Receives one feature id (a bucket index). */
export type EmitFeature = (id: number) => void;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fmix32(h0: number): number {
  let h = h0 ^ (h0 >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const WORD_RE = /[\p{L}\p{M}\p{N}_]/u;
const ASCII_CLASS = new Uint8Array(128); // 0 = space, 1 = word, 2 = symbol
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /\s/.test(ch) ? 0 : WORD_RE.test(ch) ? 1 : 2;
}

/** Class of invisible characters (zero-width, bidi controls, ...): skipped, and they do not end a word. */
const INVISIBLE = 3;

/**
 * Class of Han ideographs and Japanese kana (BMP): languages written without spaces, where a whole sentence would
 * otherwise be one "word". Each such character is its own token, as in character-bigram models of Chinese.
 */
const IDEOGRAPH = 4;

function isIdeograph(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0xf900 && c <= 0xfaff)
  );
}

function charClass(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c] ?? 2;
  if (isInvisible(s, i)) return INVISIBLE;
  if (isIdeograph(c)) return IDEOGRAPH;
  // Surrogate halves and other non-ASCII: classify by the full code point where it starts here.
  const ch = String.fromCodePoint(s.codePointAt(i) ?? c);
  if (/\s/u.test(ch)) return 0;
  if (c >= 0xdc00 && c <= 0xdfff) return 1; // low surrogate continues whatever its pair started
  return WORD_RE.test(ch) ? 1 : 2;
}

/** Salts that keep the feature families (and the bags of a model) apart in the shared table. */
const SALT_WORD = 0x2f6b1a3d;
const SALT_SYMBOL = 0x51ed270b;
const SALT_NGRAM = 0x3c6ef372;
const SALT_BIGRAM = 0x1b873593;
const SALT_END = 0x68e31da4;

/**
 * Incremental featurizer for one bag. `feed` consumes text and emits the features of every token that is
 * complete; the trailing partial word is carried. `emitTail` emits the features the carried word and the
 * end-of-bag marker would add if the text ended now, without consuming them.
 */
export interface FeatureCursor {
  feed(delta: string, emit: EmitFeature): void;
  emitTail(emit: EmitFeature): void;
  /** Tokens committed so far (capped at `maxTokens`). */
  readonly tokens: number;
  /** Characters of the partial word carried to the next `feed`. */
  readonly carried: number;
}

// `<word>` as UTF-16 code units and its n-gram hashes (n-major): scratch shared by every cursor (a word is loaded
// and emitted within one synchronous call), so the hot path allocates nothing for ASCII words.
let units = new Uint16Array(64);
let grams = new Int32Array(256);

/**
 * Loads `<word>` into `units` from s[start, end), normalised (`normalize.ts`): ASCII is lower-cased in place and
 * leetspeak-folded when it mixes letters and digits; anything else is NFKC'd, lower-cased and folded (invisible
 * characters, diacritics, look-alike letters, leetspeak). The folding depends on the word alone, so deltas and
 * whole texts give the same features.
 */
function loadWord(s: string, start: number, end: number, ascii: boolean): number {
  if (ascii && !mayBeLeet(s, start, end)) {
    const len = end - start;
    if (units.length < len + 2) units = new Uint16Array(len + 2);
    units[0] = 60; // <
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(start + i);
      units[i + 1] = c >= 65 && c <= 90 ? c + 32 : c;
    }
    units[len + 1] = 62; // >
    return len;
  }
  const lower = s.slice(start, end).normalize("NFKC").toLowerCase();
  const w = ascii ? foldLeet(lower) : foldWord(lower);
  if (units.length < w.length + 2) units = new Uint16Array(w.length + 2);
  units[0] = 60;
  for (let i = 0; i < w.length; i++) units[i + 1] = w.charCodeAt(i);
  units[w.length + 1] = 62;
  return w.length;
}

/** FNV-1a (from `basis`) of the loaded word without its brackets, finalized: the token's hash. */
function wordHash(basis: number, len: number): number {
  let h = basis;
  for (let i = 1; i <= len; i++) h = Math.imul(h ^ units[i]!, FNV_PRIME);
  return fmix32(h >>> 0);
}

/** True when s[start, end) is all ASCII. */
function isAscii(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/**
 * One bag's cursor (a class, not a closure factory: no per-cursor function objects). Hashes are FNV-1a from a
 * per-family basis (the offset basis salted by bag and family), finalized with fmix32.
 */
class Cursor implements FeatureCursor {
  private readonly mask: number;
  private readonly seed: number;
  private readonly wordBasis: number;
  private readonly gramBasis: number;
  private pending = "";
  private prevHash = 0;
  private hasPrev = false;
  tokens = 0;

  constructor(
    private readonly settings: FeaturizerSettings,
    bag: number,
  ) {
    this.mask = settings.buckets - 1;
    this.seed = fmix32((settings.seed ^ Math.imul(bag + 1, 0x9e3779b1)) >>> 0);
    this.wordBasis = (FNV_OFFSET ^ ((this.seed ^ SALT_WORD) >>> 0)) >>> 0;
    this.gramBasis = (FNV_OFFSET ^ ((this.seed ^ SALT_NGRAM) >>> 0)) >>> 0;
  }

  get carried(): number {
    return this.pending.length;
  }

  /**
   * Emits the character n-grams of the loaded `<word>` (n = minN..maxN, n-major, the whole `<word>` skipped as it
   * is already the unigram). Each start position's FNV state is extended one character at a time, so every
   * length is hashed in one pass over the word.
   */
  private emitGrams(len: number, emit: EmitFeature): void {
    const { minN, maxN } = this.settings;
    const mask = this.mask;
    const wl = len + 2;
    if (grams.length < (maxN - minN + 1) * wl) grams = new Int32Array((maxN - minN + 1) * wl);
    for (let i = 0; i + minN <= wl; i++) {
      let h = this.gramBasis;
      const stop = Math.min(i + maxN, wl);
      for (let j = i; j < stop; j++) {
        h = Math.imul(h ^ units[j]!, FNV_PRIME);
        const n = j - i + 1;
        if (n >= minN) grams[(n - minN) * wl + i] = fmix32(h >>> 0) & mask;
      }
    }
    for (let n = minN; n <= maxN; n++) {
      if (n === wl) continue;
      const row = (n - minN) * wl;
      for (let i = 0; i + n <= wl; i++) emit(grams[row + i]!);
    }
  }

  /** The features of one token: unigram, bigram with the previous token, n-grams of a word (`len` >= 0). */
  private tokenFeatures(tokHash: number, len: number, emit: EmitFeature): void {
    emit(tokHash & this.mask);
    if (this.settings.bigrams && this.hasPrev)
      emit(fmix32((Math.imul(this.prevHash, 0x9e3779b1) ^ tokHash ^ SALT_BIGRAM) >>> 0) & this.mask);
    if (len >= 0 && this.settings.maxN > 0) this.emitGrams(len, emit);
  }

  private commit(tokHash: number, len: number, emit: EmitFeature): void {
    if (this.tokens >= this.settings.maxTokens) return;
    this.tokenFeatures(tokHash, len, emit);
    this.prevHash = tokHash;
    this.hasPrev = true;
    this.tokens++;
  }

  private commitWord(s: string, start: number, end: number, ascii: boolean, emit: EmitFeature): void {
    const len = loadWord(s, start, end, ascii);
    this.commit(wordHash(this.wordBasis, len), len, emit);
  }

  feed(delta: string, emit: EmitFeature): void {
    if (this.tokens >= this.settings.maxTokens) return;
    const maxWordChars = this.settings.maxWordChars;
    const s = this.pending + delta;
    // A trailing high surrogate waits for its pair, so a delta boundary inside an astral character
    // classifies it the same way the whole text would.
    const last = s.charCodeAt(s.length - 1);
    const end = last >= 0xd800 && last <= 0xdbff ? s.length - 1 : s.length;
    let start = -1;
    let ascii = true;
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      const cls = c < 128 ? ASCII_CLASS[c]! : charClass(s, i);
      if (cls === IDEOGRAPH) {
        // Scripts written without spaces: each character is a token, so neighbouring characters form bigrams.
        if (start >= 0) this.commitWord(s, start, i, ascii, emit);
        start = -1;
        this.commitWord(s, i, i + 1, false, emit);
        continue;
      }
      if (cls === 1) {
        if (start < 0) {
          start = i;
          ascii = c < 128;
        } else if (i - start >= maxWordChars && !isLowSurrogate(s, i)) {
          this.commitWord(s, start, i, ascii, emit);
          start = i;
          ascii = c < 128;
        } else if (c >= 128) ascii = false;
        continue;
      }
      if (cls === INVISIBLE) {
        // Part of the word around it (loadWord drops it); between words, nothing.
        if (start >= 0) ascii = false;
        if (isHighSurrogate(s, i)) i++;
        continue;
      }
      if (start >= 0) {
        this.commitWord(s, start, i, ascii, emit);
        start = -1;
      }
      if (cls === 2) {
        const cp = s.codePointAt(i) ?? 0;
        this.commit(fmix32((cp ^ this.seed ^ SALT_SYMBOL) >>> 0), -1, emit);
        if (cp > 0xffff) i++;
      }
    }
    this.pending = start >= 0 ? s.slice(start) : s.slice(end);
  }

  emitTail(emit: EmitFeature): void {
    const p = this.pending;
    const wordEnd = isHighSurrogate(p, p.length - 1) ? p.length - 1 : p.length;
    if (wordEnd > 0 && this.tokens < this.settings.maxTokens) {
      const len = loadWord(p, 0, wordEnd, isAscii(p, 0, wordEnd));
      this.tokenFeatures(wordHash(this.wordBasis, len), len, emit);
    }
    emit(fmix32((this.seed ^ SALT_END) >>> 0) & this.mask);
  }
}

/** Creates a cursor over one bag; `bag` salts the hashes so several bags can share one table. */
export function createFeatureCursor(settings: FeaturizerSettings, bag: number): FeatureCursor {
  return new Cursor(settings, bag);
}

function isHighSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A growable list of feature ids. */
export interface IdList {
  ids: Int32Array;
  length: number;
}

/** Creates an empty id list (reuse it across calls to avoid allocation). */
export function createIdList(capacity = 1024): IdList {
  return { ids: new Int32Array(capacity), length: 0 };
}

/** Appends `id` to `list`, growing it as needed. */
export function pushId(list: IdList, id: number): void {
  if (list.length === list.ids.length) {
    const grown = new Int32Array(list.ids.length * 2);
    grown.set(list.ids);
    list.ids = grown;
  }
  list.ids[list.length++] = id;
}

/** Featurizes a whole text into `out` (cleared first). Same ids as feeding it in any number of deltas. */
export function featurizeText(settings: FeaturizerSettings, bag: number, text: string, out: IdList): IdList {
  out.length = 0;
  const cursor = createFeatureCursor(settings, bag);
  const emit = (id: number) => pushId(out, id);
  cursor.feed(text, emit);
  cursor.emitTail(emit);
  return out;
}
