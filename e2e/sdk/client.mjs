// One MCP tool call with the official TypeScript SDK client, for
// sdk_e2e_test.go: connect over streamable HTTP, optionally declare
// elicitation and answer every question with one action, call the tool, and
// print one JSON line:
//
//   {"protocolVersion":"2025-11-25","isError":true,"text":"...","questions":["..."]}
//
// or, when the call could not be made at all, {"error":"..."} and exit 1.
//
//   MCP_TOKEN=... node client.mjs --url http://127.0.0.1:8080/mcp \
//     --protocol 2025-11-25 --tool delete_cases --args '{"ids":["c1"]}' \
//     [--elicit accept|decline|cancel]
//
// The bearer token comes from the environment (MCP_TOKEN), not argv, which
// other users can read in ps.
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';

function fail(message) {
  console.log(JSON.stringify({ error: message }));
  process.exit(1);
}

let opt;
try {
  opt = parseArgs({
    options: {
      url: { type: 'string' },
      protocol: { type: 'string', default: LATEST_PROTOCOL_VERSION },
      tool: { type: 'string' },
      args: { type: 'string', default: '{}' },
      elicit: { type: 'string' },
      timeout: { type: 'string', default: '20000' },
    },
  }).values;
} catch (err) {
  fail(err.message);
}

if (!opt.url || !opt.tool) fail('usage: client.mjs --url URL --tool NAME [--args JSON] [--protocol VERSION] [--elicit accept|decline|cancel]');
if (opt.elicit && !['accept', 'decline', 'cancel'].includes(opt.elicit)) fail(`--elicit ${opt.elicit}: want accept, decline or cancel`);
// The SDK's initialize always offers LATEST_PROTOCOL_VERSION; an older one
// it supports is offered by rewriting that request. A version it does not
// know (2026-07-28 for 1.32.2) cannot be spoken at all.
if (!SUPPORTED_PROTOCOL_VERSIONS.includes(opt.protocol)) {
  fail(`this SDK speaks protocol ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}, not ${opt.protocol}`);
}

const offerProtocol = async (url, init) => {
  if (opt.protocol !== LATEST_PROTOCOL_VERSION && typeof init?.body === 'string') {
    const msg = JSON.parse(init.body);
    if (msg.method === 'initialize') {
      msg.params.protocolVersion = opt.protocol;
      init = { ...init, body: JSON.stringify(msg) };
    }
  }
  return fetch(url, init);
};

const headers = {};
if (process.env.MCP_TOKEN) headers.Authorization = `Bearer ${process.env.MCP_TOKEN}`;
const transport = new StreamableHTTPClientTransport(new URL(opt.url), {
  requestInit: { headers },
  fetch: offerProtocol,
});

const capabilities = opt.elicit ? { elicitation: { form: {} } } : {};
const client = new Client({ name: 'kibana-mcp-sdk-e2e', version: '1.0.0' }, { capabilities });
const questions = [];
if (opt.elicit) {
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    questions.push(request.params.message);
    return opt.elicit === 'accept' ? { action: 'accept', content: {} } : { action: opt.elicit };
  });
}

const timeout = Number(opt.timeout);
try {
  await client.connect(transport, { timeout });
  const result = await client.callTool({ name: opt.tool, arguments: JSON.parse(opt.args) }, undefined, { timeout });
  const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
  console.log(JSON.stringify({
    protocolVersion: transport.protocolVersion,
    isError: result.isError === true,
    text,
    questions,
  }));
} catch (err) {
  fail(`${err?.message ?? err} (questions asked: ${JSON.stringify(questions)})`);
} finally {
  await client.close().catch(() => {});
}
