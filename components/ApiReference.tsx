/**
 * A readable rendering of an OpenAPI 3.1 document: one section per operation with its
 * parameters, request fields (nested fields dotted, array items as `[]`), and responses.
 * Server-only; the document is the single source. Headings, labels, tags and summaries are in
 * the reader's language (lib/i18n/api_doc_messages.ts); the document's descriptions are English
 * and marked so on the Chinese page.
 */
import { keyFor, type Locale, type Translate } from "../lib/i18n/mod.ts";
import { API_SUMMARIES_ZH, API_TAGS_ZH } from "../lib/i18n/api_doc_messages.ts";

interface Reader {
  t: Translate;
  locale: Locale;
}

/** English text of the document, marked as English on a Chinese page. */
function English(props: { reader: Reader; text: string }) {
  if (!props.text) return null;
  return props.reader.locale === "en" ? <>{props.text}</> : <span lang="en">{props.text}</span>;
}

// deno-lint-ignore no-explicit-any
type Json = any;

interface Field {
  name: string;
  type: string;
  required: boolean;
  rules: string;
  description: string;
}

function resolve(schema: Json, doc: Json): Json {
  const ref = schema?.$ref as string | undefined;
  return ref ? doc.components?.schemas?.[ref.split("/").pop()!] ?? {} : schema ?? {};
}

function typeOf(schema: Json): string {
  if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "array") return "array";
  return schema.format ? `${schema.type} (${schema.format})` : schema.type ?? "any";
}

function rulesOf(schema: Json, t: Translate): string {
  const rules: string[] = [];
  const length = t("apiRef.length");
  const items = t("apiRef.items");
  if (schema.minLength !== undefined) rules.push(`${length} ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) rules.push(`${length} ≤ ${schema.maxLength}`);
  if (schema.minimum !== undefined) rules.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) rules.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) rules.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) rules.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined) rules.push(`${items} ≥ ${schema.minItems}`);
  if (schema.maxItems !== undefined) rules.push(`${items} ≤ ${schema.maxItems}`);
  if (schema.pattern) rules.push(`${t("apiRef.matches")} ${schema.pattern}`);
  return rules.join(", ");
}

/** Flattens an object schema into rows, descending into nested objects and arrays. */
export function fieldsOf(
  schema: Json,
  doc: Json,
  t: Translate,
  prefix = "",
  depth = 0,
): Field[] {
  const s = resolve(schema, doc);
  const rows: Field[] = [];
  const required = new Set<string>(s.required ?? []);
  for (const [name, raw] of Object.entries<Json>(s.properties ?? {})) {
    const p = resolve(raw, doc);
    const path = `${prefix}${name}`;
    rows.push({
      name: path,
      type: typeOf(p),
      required: required.has(name),
      rules: rulesOf(p, t),
      description: p.description ?? raw.description ?? "",
    });
    if (depth > 4) continue;
    if (p.type === "object") rows.push(...fieldsOf(p, doc, t, `${path}.`, depth + 1));
    if (p.type === "array") {
      const items = resolve(p.items, doc);
      if (items.type === "object") rows.push(...fieldsOf(items, doc, t, `${path}[].`, depth + 1));
      else if (items.type) {
        rows.push({
          name: `${path}[]`,
          type: typeOf(items),
          required: true,
          rules: rulesOf(items, t),
          description: items.description ?? "",
        });
      }
    }
  }
  return rows;
}

function FieldTable(props: { fields: Field[]; reader: Reader }) {
  const { t } = props.reader;
  if (props.fields.length === 0) return <p>—</p>;
  return (
    <div class="table-scroll">
      <table class="table api-fields">
        <thead>
          <tr>
            <th>{t("apiRef.field")}</th>
            <th>{t("apiRef.type")}</th>
            <th>{t("apiRef.required")}</th>
            <th>{t("apiRef.rules")}</th>
            <th>{t("apiRef.description")}</th>
          </tr>
        </thead>
        <tbody>
          {props.fields.map((f) => (
            <tr key={f.name}>
              <td>
                <code>{f.name}</code>
              </td>
              <td>
                <code>{f.type}</code>
              </td>
              <td>{f.required ? t("apiRef.yes") : ""}</td>
              <td>{f.rules}</td>
              <td>
                <English reader={props.reader} text={f.description} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Operation(props: { method: string; path: string; op: Json; doc: Json; reader: Reader }) {
  const { method, path, op, doc, reader } = props;
  const { t, locale } = reader;
  const summary = locale === "zh-CN" ? API_SUMMARIES_ZH[`${method} ${path}`] : undefined;
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
  const params: Field[] = (op.parameters ?? []).map((p: Json) => ({
    name: p.name,
    type: typeOf(p.schema ?? {}),
    required: !!p.required,
    rules: [
      (() => {
        const key = keyFor("apiRef.in.", String(p.in));
        return key ? t(key) : p.in;
      })(),
      rulesOf(p.schema ?? {}, t),
    ].filter(Boolean).join(", "),
    description: p.description ?? "",
  }));
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return (
    <section class="card api-operation" id={id}>
      <h3>
        <code>{method.toUpperCase()} {path}</code>
      </h3>
      <p>
        <strong>{summary ?? <English reader={reader} text={op.summary ?? ""} />}</strong>
        {" · "}
        {op.security?.length ? t("apiRef.sdkKey") : t("apiRef.public")}
      </p>
      {op.description && (
        <p>
          <English reader={reader} text={op.description} />
        </p>
      )}
      {params.length > 0 && (
        <>
          <h4>{t("apiRef.parameters")}</h4>
          <FieldTable fields={params} reader={reader} />
        </>
      )}
      {body && (
        <>
          <h4>{t("apiRef.body")}</h4>
          <FieldTable fields={fieldsOf(body, doc, t)} reader={reader} />
        </>
      )}
      <h4>{t("apiRef.responses")}</h4>
      <ul>
        {Object.entries<Json>(op.responses ?? {}).map(([status, r]) => (
          <li key={status}>
            <code>{status}</code> <English reader={reader} text={r.description ?? ""} />
          </li>
        ))}
      </ul>
      {op.responses?.["200"]?.content?.["application/json"]?.schema?.$ref && (
        <FieldTable
          fields={fieldsOf(op.responses["200"].content["application/json"].schema, doc, t)}
          reader={reader}
        />
      )}
    </section>
  );
}

/** The whole reference: an index by tag, then every operation. */
export function ApiReference(props: { doc: Json; t: Translate; locale: Locale }) {
  const { doc, t, locale } = props;
  const reader = { t, locale };
  const tagName = (tag: string) => locale === "zh-CN" ? API_TAGS_ZH[tag] ?? tag : tag;
  const operations = Object.entries<Json>(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries<Json>(item).map(([method, op]) => ({ path, method, op }))
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "API"))];
  return (
    <div class="api-reference">
      <h1>{t("app.name")} · {t("apiRef.title")}</h1>
      <p>
        <English reader={reader} text={doc.info?.description ?? ""} />
      </p>
      <p class="small muted">{t("apiRef.englishNote")}</p>
      <p>
        {t("apiRef.machineReadable")} <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI
        {" "}
        {doc.openapi}) · {t("apiRef.sdkModule")} <a href="/sdk/lensloop.js">/sdk/lensloop.js</a>
      </p>
      {tags.map((tag) => (
        <div key={tag}>
          <h2>{tagName(tag)}</h2>
          {operations.filter((o) => (o.op.tags?.[0] ?? "API") === tag).map((o) => (
            <Operation key={`${o.method} ${o.path}`} {...o} doc={doc} reader={reader} />
          ))}
        </div>
      ))}
    </div>
  );
}
