// Building the page from data without innerHTML: every value a server sends ends up as text, never
// as markup, so a case number or a party name cannot inject anything (and no inline script or
// style is ever created: the page's Content-Security-Policy forbids both).
const SVG = 'http://www.w3.org/2000/svg';

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function setProps(node, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

/** An HTML element: h('a', { href: '#/cases', class: 'link' }, '案件'). */
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  setProps(node, props);
  return append(node, children);
}

/** An SVG element, same shape as h(). */
export function s(tag, props, ...children) {
  const node = document.createElementNS(SVG, tag);
  setProps(node, props);
  return append(node, children);
}

/** Replaces what `node` holds. */
export function mount(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}
