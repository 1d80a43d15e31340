// Field-level validation errors, formatted exactly as apimachinery's `field.Error` does, because
// kubectl and controllers print and parse these texts ("spec.x: Invalid value: 0: detail").

export type FieldErrorType =
  | 'FieldValueNotFound' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueInvalid'
  | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany'
  | 'FieldValueTooFew' | 'InternalError' | 'FieldValueTypeInvalid' | 'FieldValueTooShort';

/** A bad value the message omits (apimachinery's `omitValue`). */
export const OMIT = Symbol('omit');

/** A bad value printed verbatim, for Go values that are neither strings nor JSON (`0x0`). */
export class RawValue {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): string {
    return this.text;
  }
}

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue: unknown;
  detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueTooShort: 'Too short',
};

export const required = (field: string, detail = ''): FieldError =>
  ({ type: 'FieldValueRequired', field, badValue: '', detail });
export const invalid = (field: string, badValue: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueInvalid', field, badValue, detail });
export const typeInvalid = (field: string, badValue: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueTypeInvalid', field, badValue, detail });
export const forbidden = (field: string, detail: string): FieldError =>
  ({ type: 'FieldValueForbidden', field, badValue: '', detail });
export const duplicate = (field: string, badValue: unknown): FieldError =>
  ({ type: 'FieldValueDuplicate', field, badValue, detail: '' });

export function notSupported(field: string, badValue: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length > 0 ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, badValue, detail };
}

export function tooLong(field: string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'FieldValueTooLong', field, badValue: '<value omitted>', detail };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return { type: 'FieldValueTooMany', field, badValue: actual >= 0 ? actual : OMIT, detail };
}

/** Go's `%q` for the strings these messages quote (JSON escaping matches it for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function formatValue(value: unknown): string {
  if (value instanceof RawValue) return value.text;
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** The error text without the field name (what a Status cause carries as `message`). */
export function errorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired': case 'FieldValueForbidden': case 'FieldValueTooLong':
    case 'FieldValueTooShort': case 'InternalError':
      s = TYPE_TEXT[e.type];
      break;
    default:
      s = e.badValue === OMIT ? TYPE_TEXT[e.type] : `${TYPE_TEXT[e.type]}: ${formatValue(e.badValue)}`;
  }
  return e.detail ? `${s}: ${e.detail}` : s;
}

export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** utilerrors.NewAggregate(...).Error(): duplicates dropped, one message alone, several in brackets. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}

/** Builds a field path the way `field.Path` prints it: dots for fields, brackets for indices. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
