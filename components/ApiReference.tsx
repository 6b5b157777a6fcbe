/**
 * A readable rendering of an OpenAPI 3.1 document: one section per operation with its
 * parameters, request fields (nested fields dotted, array items as `[]`), and responses.
 * Server-only; the document is the single source.
 */

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

function rulesOf(schema: Json): string {
  const rules: string[] = [];
  if (schema.minLength !== undefined) rules.push(`length ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) rules.push(`length ≤ ${schema.maxLength}`);
  if (schema.minimum !== undefined) rules.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) rules.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) rules.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) rules.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined) rules.push(`items ≥ ${schema.minItems}`);
  if (schema.maxItems !== undefined) rules.push(`items ≤ ${schema.maxItems}`);
  if (schema.pattern) rules.push(`matches ${schema.pattern}`);
  return rules.join(", ");
}

/** Flattens an object schema into rows, descending into nested objects and arrays. */
export function fieldsOf(schema: Json, doc: Json, prefix = "", depth = 0): Field[] {
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
      rules: rulesOf(p),
      description: p.description ?? raw.description ?? "",
    });
    if (depth > 4) continue;
    if (p.type === "object") rows.push(...fieldsOf(p, doc, `${path}.`, depth + 1));
    if (p.type === "array") {
      const items = resolve(p.items, doc);
      if (items.type === "object") rows.push(...fieldsOf(items, doc, `${path}[].`, depth + 1));
      else if (items.type) {
        rows.push({
          name: `${path}[]`,
          type: typeOf(items),
          required: true,
          rules: rulesOf(items),
          description: items.description ?? "",
        });
      }
    }
  }
  return rows;
}

function FieldTable(props: { fields: Field[] }) {
  if (props.fields.length === 0) return <p>—</p>;
  return (
    <table class="table api-fields">
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
          <th>Required</th>
          <th>Rules</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {props.fields.map((f) => (
          <tr key={f.name}>
            <td>
              <code>{f.name}</code>
            </td>
            <td>{f.type}</td>
            <td>{f.required ? "yes" : ""}</td>
            <td>{f.rules}</td>
            <td>{f.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Operation(props: { method: string; path: string; op: Json; doc: Json }) {
  const { method, path, op, doc } = props;
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
  const params: Field[] = (op.parameters ?? []).map((p: Json) => ({
    name: `${p.name} (${p.in})`,
    type: typeOf(p.schema ?? {}),
    required: !!p.required,
    rules: rulesOf(p.schema ?? {}),
    description: p.description ?? "",
  }));
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return (
    <section class="card api-operation" id={id}>
      <h3>
        <code>{method.toUpperCase()} {path}</code>
      </h3>
      <p>
        <strong>{op.summary}</strong>
        {op.security?.length ? " · SDK key (Bearer)" : " · public"}
      </p>
      {op.description && <p>{op.description}</p>}
      {params.length > 0 && (
        <>
          <h4>Parameters</h4>
          <FieldTable fields={params} />
        </>
      )}
      {body && (
        <>
          <h4>Request body (JSON)</h4>
          <FieldTable fields={fieldsOf(body, doc)} />
        </>
      )}
      <h4>Responses</h4>
      <ul>
        {Object.entries<Json>(op.responses ?? {}).map(([status, r]) => (
          <li key={status}>
            <code>{status}</code> {r.description}
          </li>
        ))}
      </ul>
      {op.responses?.["200"]?.content?.["application/json"]?.schema?.$ref && (
        <FieldTable
          fields={fieldsOf(op.responses["200"].content["application/json"].schema, doc)}
        />
      )}
    </section>
  );
}

/** The whole reference: an index by tag, then every operation. */
export function ApiReference(props: { doc: Json }) {
  const { doc } = props;
  const operations = Object.entries<Json>(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries<Json>(item).map(([method, op]) => ({ path, method, op }))
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "API"))];
  return (
    <div class="api-reference">
      <h1>{doc.info?.title} · API reference</h1>
      <p>{doc.info?.description}</p>
      <p>
        Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI{" "}
        {doc.openapi}). SDK module: <a href="/sdk/lensloop.js">/sdk/lensloop.js</a>.
      </p>
      {tags.map((tag) => (
        <div key={tag}>
          <h2>{tag}</h2>
          {operations.filter((o) => (o.op.tags?.[0] ?? "API") === tag).map((o) => (
            <Operation key={`${o.method} ${o.path}`} {...o} doc={doc} />
          ))}
        </div>
      ))}
    </div>
  );
}
