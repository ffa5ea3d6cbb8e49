/**
 * Path patterns shared by the AI attribute routes (regent.yaml) and the MCP routes (bundle data):
 * `{name}` is one named segment, `*` one anonymous segment, `**` the rest of the path.
 */

export function compileRoute(pattern: string): RegExp {
  let re = "^";
  for (const seg of pattern.split("/").slice(1)) {
    re += "/";
    if (seg === "**") re += ".*";
    else if (seg === "*") re += "[^/]+";
    else
      re += seg.replace(/\{([A-Za-z_]\w*)\}|([^{]+)/g, (_m, name: string | undefined, lit: string | undefined) =>
        name ? `(?<${name}>[^/]+)` : escapeRe(lit!),
      );
  }
  return new RegExp(re + "/?$");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
