/**
 * The one featurizer shared by training, the ONNX export's reference forward pass and serving.
 *
 * Text is split into tokens: runs of letters/marks/digits/underscore ("words", cut every `maxWordChars`
 * characters so no token grows without bound) and single non-space symbols. Each word is NFKC-normalized and
 * lower-cased on its own, so normalizing per word gives the same result whether the text arrives whole or in
 * deltas. Features, hashed (FNV-1a, 32 bit) into `buckets` rows of the embedding table:
 * - word/symbol unigrams,
 * - token bigrams (previous token, this token),
 * - character n-grams (`minN`..`maxN`) of `<word>`, fastText style,
 * - one end-of-bag feature, so a bag is never empty.
 * Only the first `maxTokens` tokens of a bag count (explicit, consistent truncation).
 */

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

function fnvRange(seed: number, s: string, start: number, end: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const WORD_RE = /[\p{L}\p{M}\p{N}_]/u;
const ASCII_CLASS = new Uint8Array(128); // 0 = space, 1 = word, 2 = symbol
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /\s/.test(ch) ? 0 : WORD_RE.test(ch) ? 1 : 2;
}

function charClass(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c] ?? 2;
  // Surrogate halves and other non-ASCII: classify by the full code point where it starts here.
  const ch = String.fromCodePoint(s.codePointAt(i) ?? c);
  if (/\s/u.test(ch)) return 0;
  if (c >= 0xdc00 && c <= 0xdfff) return 1; // low surrogate continues whatever its pair started
  return WORD_RE.test(ch) ? 1 : 2;
}

function normalizeWord(w: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(w) ? w.toLowerCase() : w.normalize("NFKC").toLowerCase();
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

/** Creates a cursor over one bag; `bag` salts the hashes so several bags can share one table. */
export function createFeatureCursor(settings: FeaturizerSettings, bag: number): FeatureCursor {
  const mask = settings.buckets - 1;
  const seed = fmix32((settings.seed ^ Math.imul(bag + 1, 0x9e3779b1)) >>> 0);
  let pending = "";
  let prevHash = 0;
  let hasPrev = false;
  let tokens = 0;

  const tokenFeatures = (
    tokHash: number,
    word: string | null,
    emit: EmitFeature,
    prev: number,
    hp: boolean,
  ) => {
    emit(tokHash & mask);
    if (settings.bigrams && hp)
      emit(fmix32((Math.imul(prev, 0x9e3779b1) ^ tokHash ^ SALT_BIGRAM) >>> 0) & mask);
    if (word !== null && settings.maxN > 0) {
      const w = `<${word}>`;
      const ns = (seed ^ SALT_NGRAM) >>> 0;
      for (let n = settings.minN; n <= settings.maxN; n++) {
        for (let i = 0; i + n <= w.length; i++) {
          // The whole `<word>` is already the unigram; skip the n-gram equal to it.
          if (n === w.length) continue;
          emit(fmix32(fnvRange(ns, w, i, i + n)) & mask);
        }
      }
    }
  };

  const commit = (tokHash: number, word: string | null, emit: EmitFeature) => {
    if (tokens >= settings.maxTokens) return;
    tokenFeatures(tokHash, word, emit, prevHash, hasPrev);
    prevHash = tokHash;
    hasPrev = true;
    tokens++;
  };

  const commitWord = (raw: string, emit: EmitFeature) => {
    const w = normalizeWord(raw);
    commit(fmix32(fnvRange((seed ^ SALT_WORD) >>> 0, w, 0, w.length)), w, emit);
  };

  const feed = (delta: string, emit: EmitFeature) => {
    if (tokens >= settings.maxTokens) return;
    const s = pending + delta;
    // A trailing high surrogate waits for its pair, so a delta boundary inside an astral character
    // classifies it the same way the whole text would.
    const last = s.charCodeAt(s.length - 1);
    const end = last >= 0xd800 && last <= 0xdbff ? s.length - 1 : s.length;
    let start = -1;
    for (let i = 0; i < end; i++) {
      const cls = charClass(s, i);
      if (cls === 1) {
        if (start < 0) start = i;
        else if (i - start >= settings.maxWordChars && !isLowSurrogate(s, i)) {
          commitWord(s.slice(start, i), emit);
          start = i;
        }
        continue;
      }
      if (start >= 0) {
        commitWord(s.slice(start, i), emit);
        start = -1;
      }
      if (cls === 2) {
        const cp = s.codePointAt(i) ?? 0;
        commit(fmix32((cp ^ seed ^ SALT_SYMBOL) >>> 0), null, emit);
        if (cp > 0xffff) i++;
      }
    }
    pending = start >= 0 ? s.slice(start) : s.slice(end);
  };

  const emitTail = (emit: EmitFeature) => {
    const word = isHighSurrogate(pending, pending.length - 1) ? pending.slice(0, -1) : pending;
    if (word.length > 0 && tokens < settings.maxTokens) {
      const w = normalizeWord(word);
      tokenFeatures(fmix32(fnvRange((seed ^ SALT_WORD) >>> 0, w, 0, w.length)), w, emit, prevHash, hasPrev);
    }
    emit(fmix32((seed ^ SALT_END) >>> 0) & mask);
  };

  return {
    feed,
    emitTail,
    get tokens() {
      return tokens;
    },
    get carried() {
      return pending.length;
    },
  };
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

function pushId(list: IdList, id: number): void {
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
