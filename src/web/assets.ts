/**
 * @module The page and its assets, imported as text so `bun build --compile` puts them inside the binary
 * (nothing is read from disk or fetched at run time). Types: Bun gives each import the file's text.
 */
import pageHtml from "./assets/page.html" with { type: "text" };
import styleCss from "./assets/style.css" with { type: "text" };
// @ts-expect-error -- a text import of a browser script: tsc looks for its types, Bun hands over its text.
import coreJs from "./assets/core.js" with { type: "text" };
// @ts-expect-error -- as above
import chartsJs from "./assets/charts.js" with { type: "text" };
// @ts-expect-error -- as above
import viewsJs from "./assets/views.js" with { type: "text" };
// @ts-expect-error -- as above
import appJs from "./assets/app.js" with { type: "text" };

/** The page, with `{{TOKEN}}` where each asset URL carries the session's token. */
export const PAGE = pageHtml as unknown as string;

const JS = "text/javascript; charset=utf-8";
export const ASSETS: Record<string, { body: string; type: string }> = {
  "/style.css": { body: styleCss as string, type: "text/css; charset=utf-8" },
  "/core.js": { body: coreJs as string, type: JS },
  "/charts.js": { body: chartsJs as string, type: JS },
  "/views.js": { body: viewsJs as string, type: JS },
  "/app.js": { body: appJs as string, type: JS },
};
