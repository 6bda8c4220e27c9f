/** esbuild bundles the stylesheet a module imports into app.css. */
declare module '*.css';
