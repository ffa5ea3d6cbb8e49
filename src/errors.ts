/**
 * One error type for everything regent reports to a user: a code, a message and,
 * where the error comes from a source file, its location. Bugs stay plain `Error`s.
 * Each area lists its codes in its own `errors.ts`; docs/errors.md documents them all.
 */

export interface ErrorLocation {
  file: string;
  row: number;
  col: number;
}

export class RegentError extends Error {
  readonly code: string;
  readonly location?: ErrorLocation;
  /** Extra lines printed under the message, e.g. the offending source line and a caret. */
  readonly details?: string;

  constructor(code: string, message: string, location?: ErrorLocation, details?: string) {
    super(message);
    this.name = "RegentError";
    this.code = code;
    this.location = location;
    this.details = details;
  }

  /** `file:row:col: code: message`, the form OPA and compilers print. */
  override toString(): string {
    const where = this.location ? `${this.location.file}:${this.location.row}:${this.location.col}: ` : "";
    return `${where}${this.code}: ${this.message}`;
  }

  toJSON(): { code: string; message: string; location?: ErrorLocation } {
    return { code: this.code, message: this.message, ...(this.location ? { location: this.location } : {}) };
  }
}

/** A batch of errors collected by a stage (parser, compiler), sorted by location. */
export class RegentErrors extends Error {
  readonly errors: RegentError[];

  constructor(errors: RegentError[]) {
    super(errors.map((e) => e.toString()).join("\n"));
    this.name = "RegentErrors";
    this.errors = sortErrors(errors);
  }
}

export function sortErrors(errors: RegentError[]): RegentError[] {
  return [...errors].sort((a, b) => {
    const la = a.location, lb = b.location;
    if (!la || !lb) return la ? -1 : lb ? 1 : 0;
    return la.file.localeCompare(lb.file) || la.row - lb.row || la.col - lb.col;
  });
}

/** Renders an error with the offending source line and a caret under the column. */
export function formatWithSource(err: RegentError, source: string | undefined): string {
  const head = err.toString();
  if (!source || !err.location) return err.details ? `${head}\n${err.details}` : head;
  const line = source.split(/\r?\n/)[err.location.row - 1];
  if (line === undefined) return head;
  const caret = " ".repeat(Math.max(0, err.location.col - 1)) + "^";
  return `${head}\n\t${line.replace(/\t/g, " ")}\n\t${caret}`;
}
