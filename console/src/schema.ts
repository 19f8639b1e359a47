/**
 * Reading the JSON Schemas a module declares (GET /v1/groups/{group}/modules) into form fields:
 * each property's name, type, whether it is required, its description and pattern, and its
 * allowed values when the schema is an enum (TypeBox writes a union of literals as anyOf const).
 */
export interface SchemaField {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
  readonly pattern?: string;
  readonly choices?: readonly string[];
}

type Schema = { readonly [key: string]: unknown };

function asSchema(v: unknown): Schema {
  return typeof v === 'object' && v !== null ? (v as Schema) : {};
}

/** The literal values of an enum-like schema, or undefined. */
function choicesOf(s: Schema): string[] | undefined {
  if (Array.isArray(s.enum)) return s.enum.map(String);
  if (s.const !== undefined) return [String(s.const)];
  const alt = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (alt === undefined) return undefined;
  const out: string[] = [];
  for (const a of alt) {
    const c = asSchema(a).const;
    if (c === undefined) return undefined;
    out.push(String(c));
  }
  return out;
}

function typeOf(s: Schema): string {
  if (typeof s.type === 'string') {
    if (s.type === 'array') return `${typeOf(asSchema(s.items))}[]`;
    return s.type;
  }
  const c = choicesOf(s);
  if (c !== undefined) return c.map((x) => JSON.stringify(x)).join(' | ');
  if (Array.isArray(s.anyOf)) return s.anyOf.map((a) => typeOf(asSchema(a))).join(' | ');
  return 'any';
}

/** The fields of an object schema, required first, in declaration order. */
export function fieldsOf(schema: unknown): SchemaField[] {
  const s = asSchema(schema);
  const props = asSchema(s.properties);
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const fields = Object.entries(props).map(([name, p]): SchemaField => {
    const ps = asSchema(p);
    const choices = choicesOf(ps);
    return {
      name,
      type: typeOf(ps),
      required: required.has(name),
      description: typeof ps.description === 'string' ? ps.description : '',
      ...(typeof ps.pattern === 'string' ? { pattern: ps.pattern } : {}),
      ...(choices === undefined ? {} : { choices }),
    };
  });
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}
