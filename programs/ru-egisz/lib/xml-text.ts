/**
 * A document's exact text from a small tree, indented two spaces: Sello decides every byte of a SEMD it signs and
 * serves. Escaping is the SOAP writer's (src/soap); this only adds a default namespace and line breaks, which CDA
 * documents conventionally use and that writer does not.
 */
import { escapeAttribute, escapeText } from '../../../src/soap/index.ts';

/** An element: qualified name as written (`identity:Number`), attributes in order (undefined ones left out). */
export interface TextElement {
  name: string;
  attributes?: ReadonlyArray<readonly [string, string | undefined]>;
  /** Elements, or one string of text content. */
  children?: ReadonlyArray<TextElement> | string;
}

export const x = (name: string, attributes: ReadonlyArray<readonly [string, string | undefined]> = [], children: ReadonlyArray<TextElement> | string = []): TextElement => ({
  name,
  attributes,
  children,
});

/** `<?xml …?>` and the tree; iterative, so no document depth can overflow the stack. */
export function writeDocument(root: TextElement): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const stack: Array<{ node: TextElement; depth: number } | string> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const { node, depth } = item;
    const indent = '  '.repeat(depth);
    const attributes = (node.attributes ?? [])
      .filter((a): a is readonly [string, string] => a[1] !== undefined)
      .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
      .join('');
    const children = node.children ?? [];
    if (typeof children === 'string') out.push(`${indent}<${node.name}${attributes}>${escapeText(children)}</${node.name}>\n`);
    else if (children.length === 0) out.push(`${indent}<${node.name}${attributes}/>\n`);
    else {
      out.push(`${indent}<${node.name}${attributes}>\n`);
      stack.push(`${indent}</${node.name}>\n`);
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: depth + 1 });
    }
  }
  return out.join('');
}
