/** Stylesheets imported `with { type: "text" }` (src/web/assets.ts) arrive as their text. */
declare module "*.css" {
  const text: string;
  export default text;
}
