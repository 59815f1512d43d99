// Differential oracle for detect/kql: Kibana's own KQL parser behind a
// line protocol. It reads one JSON-encoded query string per line on stdin
// and writes one line per query: "OK <tree>" or "ERR <message>", the tree
// in the s-expression form that kibanaForm in kibana_test.go prints.
//
// Kibana's parser is not included. To build it next to this file:
//   1. get Kibana's grammar, src/platform/packages/shared/kbn-es-query/
//      src/kuery/grammar/grammar.peggy (elastic/kibana), and peggy
//      (npm package "peggy", or github.com/peggyjs/peggy);
//   2. compile it the way Kibana does (grammar.peggy.config.json):
//        peggy --format commonjs --cache --allowed-start-rules start,Literal \
//          -o kuery.js grammar.peggy
// Then, from detect/kql:
//   KQL_KIBANA_ORACLE=$PWD/testdata/kibana-oracle/oracle.js go test -run 'Kibana' .
//   KQL_KIBANA_ORACLE=... go test . -run TestKibanaConformance -update-kibana
//   KQL_KIBANA_ORACLE=... go test -run '^$' -fuzz FuzzKibanaOracle .
// Without --cache the generated parser backtracks exponentially on deep
// unclosed parentheses, which Kibana's does not.
const parser = require("./kuery.js");
const readline = require("readline");
// Kibana's marker for an unescaped '*' inside a wildcard value.
const W = "@kuery-wildcard@";

// q quotes s with every UTF-16 code unit outside printable ASCII as \uXXXX,
// as jsQuote in kibana_test.go does.
function q(s) {
  let o = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) o += '\\"';
    else if (c === 0x5c) o += "\\\\";
    else if (c >= 0x20 && c < 0x7f) o += s[i];
    else o += "\\u" + c.toString(16).padStart(4, "0");
  }
  return o + '"';
}
// Stand-ins for the kbn-es-query node builders that the grammar's actions
// call: plain objects with the same fields. The empty query's "is *:*" is
// built here directly.
const nodeTypes = {
  function: {
    buildNodeWithArgumentNodes: (name, args) => ({ type: "function", function: name, arguments: args }),
    buildNode: (name, f, v) => ({ type: "function", function: "is", arguments: [{ type: "wildcard", value: W }, { type: "wildcard", value: W }] }),
  },
  literal: { buildNode: (value, isQuoted) => ({ type: "literal", value, isQuoted: !!isQuoted }) },
  wildcard: {
    KQL_WILDCARD_SYMBOL: W,
    buildNode: (value) => ({ type: "wildcard", value }),
    isNode: (n) => n.type === "wildcard",
    hasLeadingWildcard: () => false,
  },
};
// show prints a node as an s-expression.
function show(n) {
  if (typeof n === "string") return n; // range operator
  if (n.type === "literal") {
    if (n.value === null) return "null";
    if (n.value === true) return "true";
    if (n.value === false) return "false";
    return (n.isQuoted ? "q" : "u") + q(n.value);
  }
  if (n.type === "wildcard") return "w[" + n.value.split(W).map(q).join(",") + "]";
  const args = n.arguments.map((a, i) => (i === 0 && n.function !== "and" && n.function !== "or" && n.function !== "not") ? showField(a) : show(a));
  return "(" + n.function + " " + args.join(" ") + ")";
}
// Field names: Kibana ignores whether a field name was quoted, and turns the
// unquoted words true/false into the field names "true"/"false".
function showField(n) {
  if (n.type === "wildcard") return show(n);
  if (n.value === null) return "null";
  return "f" + q(String(n.value));
}
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let out;
  try {
    const query = JSON.parse(line);
    const ast = parser.parse(query, { helpers: { nodeTypes }, parseCursor: false, cursorSymbol: "@kuery-cursor@" });
    out = "OK " + show(ast);
  } catch (e) {
    out = "ERR " + String(e.message).replace(/\n/g, " ");
  }
  process.stdout.write(out + "\n");
});
