// Text that is safe inside a Mermaid statement. Mermaid ends a statement at `;`, reads `#…;` as an entity
// and splits on `:`, so those (and markup characters) become decimal entity codes, which Mermaid decodes back.
const UNSAFE = /[#;:<>"%{}\\`]/g;

export function mermaidText(s: string): string {
  return s
    .split(/\r?\n/)
    .map((line) => line.replace(UNSAFE, (c) => `#${c.charCodeAt(0)};`))
    .join('<br>');
}

/** Words the sequenceDiagram grammar reserves; an actor with such a name gets an alias. */
const RESERVED = new Set([
  'participant',
  'actor',
  'as',
  'note',
  'over',
  'left',
  'right',
  'of',
  'loop',
  'alt',
  'else',
  'opt',
  'par',
  'and',
  'rect',
  'critical',
  'break',
  'box',
  'end',
  'title',
  'autonumber',
  'activate',
  'deactivate',
  'create',
  'destroy',
  'link',
  'links',
  'properties',
  'details',
  'kernel',
]);

/** A participant id: the name itself when it is a plain identifier, else `p<index>` (shown with an alias). */
export function participantId(name: string, index: number): string {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : `p${index}`;
}
