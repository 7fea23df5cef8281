// Builds covenant_portal/static/govuk/ from the pinned npm packages (see package-lock.json).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "covenant_portal/static/govuk";
const frontend = "node_modules/govuk-frontend/dist/govuk";

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = sass.compile("assets/portal.scss", {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(`${out}/portal.css`, result.css);
cpSync(`${frontend}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${frontend}/assets/images`, `${out}/assets/images`, { recursive: true });
console.log(`built ${out}`);
