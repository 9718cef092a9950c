// Text made safe to put in HTML, SVG or XML, inside an element or a quoted attribute: the five
// characters that could end one, as numeric references every one of those formats reads.
export const escapeMarkup = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
