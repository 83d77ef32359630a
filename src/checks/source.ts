// Positions in a migration file. libpg-query reports UTF-8 *byte* offsets (stmt_location, every
// node's location, scanner tokens); its syntax-error cursor and Postgres' error `position` count
// *characters*. JavaScript strings index UTF-16 code units. This class converts between the three
// and gives 1-based line and column, the column counted in characters (code points).

export interface LineCol {
  line: number;
  column: number;
}

export class SourceText {
  readonly text: string;
  /** True when every character is ASCII: bytes, characters and UTF-16 units coincide. */
  readonly ascii: boolean;
  readonly byteLength: number;
  /** byte offset -> UTF-16 index, and back (only built for non-ASCII text). */
  private byteToIdx: Uint32Array | undefined;
  private idxToByte: Uint32Array | undefined;
  /** UTF-16 index of the first character of each line. */
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\x00-\x7f]/.test(text);
    this.byteLength = this.ascii ? text.length : Buffer.byteLength(text, 'utf8');
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  private buildByteMaps(): void {
    const map = new Uint32Array(this.byteLength + 1);
    const back = new Uint32Array(this.text.length + 1);
    let b = 0;
    const t = this.text;
    for (let i = 0; i < t.length; ) {
      const cp = t.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      // Every byte of a multi-byte character maps to the character's start (and both halves of a surrogate pair to its first byte).
      for (let k = 0; k < bytes; k++) map[b + k] = i;
      for (let k = 0; k < units; k++) back[i + k] = b;
      b += bytes;
      i += units;
    }
    map[b] = t.length;
    back[t.length] = b;
    this.byteToIdx = map;
    this.idxToByte = back;
  }

  /** UTF-16 index of a UTF-8 byte offset (clamped to the text). */
  indexOfByte(byte: number): number {
    if (byte <= 0) return 0;
    if (this.ascii) return Math.min(byte, this.text.length);
    if (byte >= this.byteLength) return this.text.length;
    if (!this.byteToIdx) this.buildByteMaps();
    return this.byteToIdx![byte]!;
  }

  /** UTF-8 byte offset of a UTF-16 index. */
  byteOfIndex(index: number): number {
    if (this.ascii) return index;
    if (index <= 0) return 0;
    if (index >= this.text.length) return this.byteLength;
    if (!this.idxToByte) this.buildByteMaps();
    return this.idxToByte![index]!;
  }

  /** UTF-16 index of the character `chars` code points after UTF-16 index `from`. */
  indexAfterChars(from: number, chars: number): number {
    if (this.ascii) return Math.min(from + chars, this.text.length);
    let i = from;
    for (let n = 0; n < chars && i < this.text.length; n++) {
      const cp = this.text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
    }
    return i;
  }

  /** Line and column (1-based; column in characters) of a UTF-16 index. */
  positionOfIndex(index: number): LineCol {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo]!;
    let column: number;
    if (this.ascii) column = index - start + 1;
    else {
      column = 1;
      for (let i = start; i < index; ) {
        const cp = this.text.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1;
        column++;
      }
    }
    return { line: lo + 1, column };
  }

  /** Line and column of a UTF-8 byte offset, as libpg-query reports them. */
  positionOfByte(byte: number): LineCol {
    return this.positionOfIndex(this.indexOfByte(byte));
  }

  /** Text between two byte offsets. */
  sliceBytes(start: number, end: number): string {
    return this.text.slice(this.indexOfByte(start), this.indexOfByte(end));
  }
}
