// View conditions: the JSON tree the server compiles from an `invisible` / `readonly` / `required`
// expression (addons/web/render/conditions.py), read with Python's meaning: truthiness of lists and
// empty strings, `and`/`or` returning an operand, `False == 0`, `None` only equal to itself.

// Python's truth value: empty lists and strings, 0, False and None are false
export function truthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== "" && !Number.isNaN(value);
}

const numeric = (value) => typeof value === "number" || typeof value === "boolean";

// Python's ==: booleans are the numbers 0 and 1, lists compare item by item, None equals only None
export function equal(left, right) {
  if (left === null || left === undefined || right === null || right === undefined) {
    return (left ?? null) === (right ?? null);
  }
  if (numeric(left) && numeric(right)) return Number(left) === Number(right);
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => equal(item, right[index]));
  }
  return left === right;
}

function contains(container, item) {
  if (typeof container === "string") return typeof item === "string" && container.includes(item);
  if (Array.isArray(container)) return container.some((each) => equal(each, item));
  throw new TypeError("'in' needs a list or a text on its right");
}

function order(left, right) {
  const comparable = (numeric(left) && numeric(right)) || (typeof left === "string" && typeof right === "string");
  if (!comparable) throw new TypeError("'<' and '>' compare two numbers or two texts");
  return numeric(left) ? Number(left) - Number(right) : (left < right ? -1 : left > right ? 1 : 0);
}

const COMPARE = {
  "==": equal,
  "!=": (left, right) => !equal(left, right),
  "<": (left, right) => order(left, right) < 0,
  ">": (left, right) => order(left, right) > 0,
  "<=": (left, right) => order(left, right) <= 0,
  ">=": (left, right) => order(left, right) >= 0,
  in: (left, right) => contains(right, left),
  "not in": (left, right) => !contains(right, left),
};

// the value of a tree node; `valueOf(name)` gives a field's current value
export function evaluate(node, valueOf) {
  const [kind, ...rest] = node;
  switch (kind) {
    case "value": return rest[0];
    case "field": return valueOf(rest[0]);
    case "list": return rest[0].map((item) => evaluate(item, valueOf));
    case "not": return !truthy(evaluate(rest[0], valueOf));
    case "and": {
      let value = true;
      for (const item of rest[0]) { value = evaluate(item, valueOf); if (!truthy(value)) return value; }
      return value;
    }
    case "or": {
      let value = false;
      for (const item of rest[0]) { value = evaluate(item, valueOf); if (truthy(value)) return value; }
      return value;
    }
    case "compare": return COMPARE[rest[0]](evaluate(rest[1], valueOf), evaluate(rest[2], valueOf));
    default: throw new TypeError(`unknown condition node ${kind}`);
  }
}

// whether a condition holds
export function evaluateCondition(tree, valueOf) {
  return truthy(evaluate(tree, valueOf));
}
