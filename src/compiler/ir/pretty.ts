/**
 * Prints an IR policy as indented text, one statement a line, for debugging (`regent build
 * --dump-ir`) and for golden tests of the planner.
 */
import type { Block, Operand, Policy, Stmt } from "./ir.js";

export function prettyPolicy(p: Policy): string {
  const out: string[] = [];
  const op = (o: Operand): string =>
    o.type === "local" ? `l${o.local}` : o.type === "bool" ? String(o.value) : JSON.stringify(p.strings[o.index]);
  const block = (b: Block, indent: string) => {
    for (const s of b.stmts) stmt(s, indent);
  };
  const stmt = (s: Stmt, ind: string) => {
    switch (s.type) {
      case "Block":
        out.push(`${ind}block`);
        s.blocks.forEach((b, i) => {
          out.push(`${ind}  {${s.blocks.length > 1 ? " #" + i : ""}`);
          block(b, ind + "    ");
          out.push(`${ind}  }`);
        });
        return;
      case "Scan":
        out.push(`${ind}scan l${s.source} (l${s.key}, l${s.value})`);
        block(s.block, ind + "  ");
        return;
      case "Not":
        out.push(`${ind}not`);
        block(s.block, ind + "  ");
        return;
      case "With":
        out.push(`${ind}with l${s.local}${s.path.map((i) => "." + p.strings[i]).join("")} = ${op(s.value)}`);
        block(s.block, ind + "  ");
        return;
      case "Call":
        out.push(`${ind}l${s.result} = call ${s.func}(${s.args.map(op).join(", ")})`);
        return;
      case "Dot":
        out.push(`${ind}l${s.target} = ${op(s.source)}[${op(s.key)}]`);
        return;
      case "Len":
        out.push(`${ind}l${s.target} = len ${op(s.source)}`);
        return;
      case "Break":
        out.push(`${ind}break ${s.index}`);
        return;
      case "AssignInt":
        out.push(`${ind}l${s.target} = ${s.value}`);
        return;
      case "AssignVar":
        out.push(`${ind}l${s.target} = ${op(s.source)}`);
        return;
      case "AssignVarOnce":
        out.push(`${ind}l${s.target} := once ${op(s.source)}`);
        return;
      case "ResetLocal":
        out.push(`${ind}l${s.target} = undefined`);
        return;
      case "MakeNull":
        out.push(`${ind}l${s.target} = null`);
        return;
      case "MakeNumberInt":
        out.push(`${ind}l${s.target} = ${s.value}`);
        return;
      case "MakeNumberRef":
        out.push(`${ind}l${s.target} = number ${p.strings[s.index]}`);
        return;
      case "MakeArray":
        out.push(`${ind}l${s.target} = []`);
        return;
      case "MakeObject":
        out.push(`${ind}l${s.target} = {}`);
        return;
      case "MakeSet":
        out.push(`${ind}l${s.target} = set()`);
        return;
      case "Equal":
        out.push(`${ind}${op(s.a)} == ${op(s.b)}`);
        return;
      case "NotEqual":
        out.push(`${ind}${op(s.a)} != ${op(s.b)}`);
        return;
      case "IsArray":
      case "IsObject":
      case "IsSet":
        out.push(`${ind}${s.type.slice(2).toLowerCase()}? ${op(s.source)}`);
        return;
      case "IsDefined":
        out.push(`${ind}defined? l${s.source}`);
        return;
      case "IsUndefined":
        out.push(`${ind}undefined? l${s.source}`);
        return;
      case "ArrayAppend":
        out.push(`${ind}append l${s.array}, ${op(s.value)}`);
        return;
      case "ObjectInsert":
        out.push(`${ind}l${s.object}[${op(s.key)}] = ${op(s.value)}`);
        return;
      case "ObjectInsertOnce":
        out.push(`${ind}l${s.object}[${op(s.key)}] := once ${op(s.value)}`);
        return;
      case "ObjectMerge":
        out.push(`${ind}l${s.target} = merge l${s.a}, l${s.b}`);
        return;
      case "SetAdd":
        out.push(`${ind}add l${s.set}, ${op(s.value)}`);
        return;
      case "ResultSetAdd":
        out.push(`${ind}result l${s.value}`);
        return;
      case "ReturnLocal":
        out.push(`${ind}return l${s.source}`);
        return;
      case "Error":
        out.push(`${ind}error ${s.code}: ${s.message}`);
        return;
      case "Nop":
        out.push(`${ind}nop`);
        return;
    }
  };
  for (const f of p.funcs) {
    out.push(`func ${f.name}(${f.params.map((x) => "l" + x).join(", ")}) -> l${f.result}`);
    f.blocks.forEach((b) => {
      out.push("  {");
      block(b, "    ");
      out.push("  }");
    });
  }
  for (const pl of p.plans) {
    out.push(`plan ${pl.name}`);
    pl.blocks.forEach((b) => {
      out.push("  {");
      block(b, "    ");
      out.push("  }");
    });
  }
  return out.join("\n") + "\n";
}
