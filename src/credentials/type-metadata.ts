/**
 * SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc, section "SD-JWT VC Type Metadata"; the
 * field names checked against the drafts' current text and against @sd-jwt/sd-jwt-vc 0.19's
 * schema of the document): the document a wallet or verifier GETs at a credential's `vct` URL.
 * Built from the ledger's schema record, so it says what the schema says and nothing more: the
 * type's name, and one claim entry per top-level property with its label and whether the
 * issuer discloses it selectively. No `schema`/`schema_uri` (removed from the draft); no
 * `extends` (ledger schemas do not extend each other).
 */

/** The part of the `identity.schema` query answer the document is built from. */
export interface SchemaRecord {
  readonly name: string;
  readonly schema: {
    readonly title?: unknown;
    readonly description?: unknown;
    readonly properties?: Readonly<
      Record<string, { readonly title?: unknown; readonly description?: unknown }>
    >;
  };
}

export interface TypeMetadata {
  readonly vct: string;
  readonly name: string;
  readonly description?: string;
  readonly display: readonly {
    readonly locale: string;
    readonly name: string;
    readonly description?: string;
  }[];
  readonly claims: readonly {
    readonly path: readonly string[];
    readonly display: readonly {
      readonly locale: string;
      readonly label: string;
      readonly description?: string;
    }[];
    readonly sd: 'always' | 'allowed' | 'never';
  }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The type metadata of `vct`. `selective`: the claims the issuer makes selectively disclosable
 * (`sd: always`; the others `never`); without it every claim is `allowed`. Labels are in English
 * (`locale: en`): the schema's property `title`, else the property name.
 */
export function typeMetadata(vct: string, rec: SchemaRecord, selective?: readonly string[]): TypeMetadata {
  const name = str(rec.schema.title) ?? rec.name;
  const description = str(rec.schema.description);
  const props = Object.entries(rec.schema.properties ?? {});
  return {
    vct,
    name,
    ...(description === undefined ? {} : { description }),
    display: [{ locale: 'en', name, ...(description === undefined ? {} : { description }) }],
    claims: props.map(([claim, p]) => {
      const d = str(p.description);
      return {
        path: [claim],
        display: [
          { locale: 'en', label: str(p.title) ?? claim, ...(d === undefined ? {} : { description: d }) },
        ],
        sd: selective === undefined ? 'allowed' : selective.includes(claim) ? 'always' : 'never',
      };
    }),
  };
}
