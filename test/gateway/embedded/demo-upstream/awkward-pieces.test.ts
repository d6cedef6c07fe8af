import { describe, expect, it } from "vitest";
import { awkwardPieces } from "../../../../gateway/embedded/demo-upstream/deliver.ts";
import { BENIGN_COMPLETION } from "../../../../gateway/embedded/demo-upstream/text.ts";

const sse = `data: ${JSON.stringify({ text: BENIGN_COMPLETION })}\n\nevent: ping\ndata: {}\n\n`.repeat(4);

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe("awkwardPieces", () => {
  const pieces = awkwardPieces(sse);

  it("reassembles to the CRLF form of the input", () => {
    expect(Buffer.concat(pieces).toString("utf8")).toBe(sse.replaceAll("\n", "\r\n"));
  });

  it("splits every multi-byte character and some CRLF pairs and lines", () => {
    const multiByteChars = [...sse].filter((char) => Buffer.byteLength(char) > 1).length;
    expect(multiByteChars).toBeGreaterThan(0);
    expect(pieces.filter((piece) => !isValidUtf8(piece)).length).toBeGreaterThanOrEqual(multiByteChars);
    for (const piece of pieces) {
      const text = piece.toString("latin1");
      expect(/[\xc0-\xff][\x80-\xbf]/.test(text)).toBe(false);
    }
    expect(pieces.some((piece) => piece.at(-1) === 0x0d)).toBe(true);
    const boundaries: number[] = [];
    let offset = 0;
    for (const piece of pieces) boundaries.push((offset += piece.length));
    const joined = Buffer.concat(pieces).toString("latin1");
    const fieldStarts = [...joined.matchAll(/data:/g)].map((match) => match.index);
    const splitsAField = boundaries.some((b) => fieldStarts.some((start) => b > start && b < start + 5));
    expect(splitsAField).toBe(true);
    expect(pieces.length).toBeGreaterThan(sse.length / 40);
  });
});
