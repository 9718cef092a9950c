import '@astrojs/internal-helpers/path';
import '@astrojs/internal-helpers/remote';
import 'piccolore';
import { N as NOOP_MIDDLEWARE_HEADER, k as decodeKey } from './chunks/astro/server_YBCHUQ4X.mjs';
import 'clsx';
import 'es-module-lexer';
import 'html-escaper';

const NOOP_MIDDLEWARE_FN = async (_ctx, next) => {
  const response = await next();
  response.headers.set(NOOP_MIDDLEWARE_HEADER, "true");
  return response;
};

const codeToStatusMap = {
  // Implemented from IANA HTTP Status Code Registry
  // https://www.iana.org/assignments/http-status-codes/http-status-codes.xhtml
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  PROXY_AUTHENTICATION_REQUIRED: 407,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  GONE: 410,
  LENGTH_REQUIRED: 411,
  PRECONDITION_FAILED: 412,
  CONTENT_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  EXPECTATION_FAILED: 417,
  MISDIRECTED_REQUEST: 421,
  UNPROCESSABLE_CONTENT: 422,
  LOCKED: 423,
  FAILED_DEPENDENCY: 424,
  TOO_EARLY: 425,
  UPGRADE_REQUIRED: 426,
  PRECONDITION_REQUIRED: 428,
  TOO_MANY_REQUESTS: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  UNAVAILABLE_FOR_LEGAL_REASONS: 451,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
  HTTP_VERSION_NOT_SUPPORTED: 505,
  VARIANT_ALSO_NEGOTIATES: 506,
  INSUFFICIENT_STORAGE: 507,
  LOOP_DETECTED: 508,
  NETWORK_AUTHENTICATION_REQUIRED: 511
};
Object.entries(codeToStatusMap).reduce(
  // reverse the key-value pairs
  (acc, [key, value]) => ({ ...acc, [value]: key }),
  {}
);

function sanitizeParams(params) {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (typeof value === "string") {
        return [key, value.normalize().replace(/#/g, "%23").replace(/\?/g, "%3F")];
      }
      return [key, value];
    })
  );
}
function getParameter(part, params) {
  if (part.spread) {
    return params[part.content.slice(3)] || "";
  }
  if (part.dynamic) {
    if (!params[part.content]) {
      throw new TypeError(`Missing parameter: ${part.content}`);
    }
    return params[part.content];
  }
  return part.content.normalize().replace(/\?/g, "%3F").replace(/#/g, "%23").replace(/%5B/g, "[").replace(/%5D/g, "]");
}
function getSegment(segment, params) {
  const segmentPath = segment.map((part) => getParameter(part, params)).join("");
  return segmentPath ? "/" + segmentPath : "";
}
function getRouteGenerator(segments, addTrailingSlash) {
  return (params) => {
    const sanitizedParams = sanitizeParams(params);
    let trailing = "";
    if (addTrailingSlash === "always" && segments.length) {
      trailing = "/";
    }
    const path = segments.map((segment) => getSegment(segment, sanitizedParams)).join("") + trailing;
    return path || "/";
  };
}

function deserializeRouteData(rawRouteData) {
  return {
    route: rawRouteData.route,
    type: rawRouteData.type,
    pattern: new RegExp(rawRouteData.pattern),
    params: rawRouteData.params,
    component: rawRouteData.component,
    generate: getRouteGenerator(rawRouteData.segments, rawRouteData._meta.trailingSlash),
    pathname: rawRouteData.pathname || void 0,
    segments: rawRouteData.segments,
    prerender: rawRouteData.prerender,
    redirect: rawRouteData.redirect,
    redirectRoute: rawRouteData.redirectRoute ? deserializeRouteData(rawRouteData.redirectRoute) : void 0,
    fallbackRoutes: rawRouteData.fallbackRoutes.map((fallback) => {
      return deserializeRouteData(fallback);
    }),
    isIndex: rawRouteData.isIndex,
    origin: rawRouteData.origin
  };
}

function deserializeManifest(serializedManifest) {
  const routes = [];
  for (const serializedRoute of serializedManifest.routes) {
    routes.push({
      ...serializedRoute,
      routeData: deserializeRouteData(serializedRoute.routeData)
    });
    const route = serializedRoute;
    route.routeData = deserializeRouteData(serializedRoute.routeData);
  }
  const assets = new Set(serializedManifest.assets);
  const componentMetadata = new Map(serializedManifest.componentMetadata);
  const inlinedScripts = new Map(serializedManifest.inlinedScripts);
  const clientDirectives = new Map(serializedManifest.clientDirectives);
  const serverIslandNameMap = new Map(serializedManifest.serverIslandNameMap);
  const key = decodeKey(serializedManifest.key);
  return {
    // in case user middleware exists, this no-op middleware will be reassigned (see plugin-ssr.ts)
    middleware() {
      return { onRequest: NOOP_MIDDLEWARE_FN };
    },
    ...serializedManifest,
    assets,
    componentMetadata,
    inlinedScripts,
    clientDirectives,
    routes,
    serverIslandNameMap,
    key
  };
}

const manifest = deserializeManifest({"hrefRoot":"file:///work/main/site/","cacheDir":"file:///work/main/site/node_modules/.astro/","outDir":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/","srcDir":"file:///work/main/site/src/","publicDir":"file:///work/main/site/public/","buildClientDir":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/client/","buildServerDir":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/server/","adapterName":"","routes":[{"file":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/capacity/index.html","links":[],"scripts":[],"styles":[{"type":"inline","content":":root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fdfdfc;line-height:1.5}body{max-width:72rem;margin:0 auto;padding:0 1rem 3rem}header nav{display:flex;gap:1.25rem;align-items:baseline;padding:1rem 0;border-bottom:1px solid #ddd}header nav a{color:inherit}h1{font-size:1.7rem;margin:1.5rem 0 .5rem}table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #eee;vertical-align:top}.badge{display:inline-block;padding:0 .5rem;border-radius:.6rem;font-size:.85rem;border:1px solid currentColor}.stable{color:#006d3c}.unstable{color:#8a5a00}.crashed,.aborted,.client-bound,.invalid{color:#b00020}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem}figure{margin:0}figcaption{font-weight:600}.note{color:#555;font-size:.9rem}button,select,input{font:inherit}\n"}],"routeData":{"route":"/capacity","isIndex":false,"type":"page","pattern":"^\\/capacity\\/?$","segments":[[{"content":"capacity","dynamic":false,"spread":false}]],"params":[],"component":"src/pages/capacity.astro","pathname":"/capacity","prerender":true,"fallbackRoutes":[],"distURL":[],"origin":"project","_meta":{"trailingSlash":"ignore"}}},{"file":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/compare/index.html","links":[],"scripts":[],"styles":[{"type":"inline","content":":root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fdfdfc;line-height:1.5}body{max-width:72rem;margin:0 auto;padding:0 1rem 3rem}header nav{display:flex;gap:1.25rem;align-items:baseline;padding:1rem 0;border-bottom:1px solid #ddd}header nav a{color:inherit}h1{font-size:1.7rem;margin:1.5rem 0 .5rem}table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #eee;vertical-align:top}.badge{display:inline-block;padding:0 .5rem;border-radius:.6rem;font-size:.85rem;border:1px solid currentColor}.stable{color:#006d3c}.unstable{color:#8a5a00}.crashed,.aborted,.client-bound,.invalid{color:#b00020}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem}figure{margin:0}figcaption{font-weight:600}.note{color:#555;font-size:.9rem}button,select,input{font:inherit}\n"}],"routeData":{"route":"/compare","isIndex":true,"type":"page","pattern":"^\\/compare\\/?$","segments":[[{"content":"compare","dynamic":false,"spread":false}]],"params":[],"component":"src/pages/compare/index.astro","pathname":"/compare","prerender":true,"fallbackRoutes":[],"distURL":[],"origin":"project","_meta":{"trailingSlash":"ignore"}}},{"file":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/feed.xml","links":[],"scripts":[],"styles":[],"routeData":{"route":"/feed.xml","isIndex":false,"type":"endpoint","pattern":"^\\/feed\\.xml\\/?$","segments":[[{"content":"feed.xml","dynamic":false,"spread":false}]],"params":[],"component":"src/pages/feed.xml.ts","pathname":"/feed.xml","prerender":true,"fallbackRoutes":[],"distURL":[],"origin":"project","_meta":{"trailingSlash":"ignore"}}},{"file":"file:///tmp/wsbench-bad-writeups-nKBugZ/dist/index.html","links":[],"scripts":[],"styles":[{"type":"inline","content":":root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fdfdfc;line-height:1.5}body{max-width:72rem;margin:0 auto;padding:0 1rem 3rem}header nav{display:flex;gap:1.25rem;align-items:baseline;padding:1rem 0;border-bottom:1px solid #ddd}header nav a{color:inherit}h1{font-size:1.7rem;margin:1.5rem 0 .5rem}table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #eee;vertical-align:top}.badge{display:inline-block;padding:0 .5rem;border-radius:.6rem;font-size:.85rem;border:1px solid currentColor}.stable{color:#006d3c}.unstable{color:#8a5a00}.crashed,.aborted,.client-bound,.invalid{color:#b00020}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem}figure{margin:0}figcaption{font-weight:600}.note{color:#555;font-size:.9rem}button,select,input{font:inherit}\n"}],"routeData":{"route":"/","isIndex":true,"type":"page","pattern":"^\\/$","segments":[],"params":[],"component":"src/pages/index.astro","pathname":"/","prerender":true,"fallbackRoutes":[],"distURL":[],"origin":"project","_meta":{"trailingSlash":"ignore"}}}],"base":"/","trailingSlash":"ignore","compressHTML":true,"componentMetadata":[["\u0000astro:content",{"propagation":"in-tree","containsHead":false}],["/work/main/site/src/lib/writeups.ts",{"propagation":"in-tree","containsHead":false}],["/work/main/site/src/pages/feed.xml.ts",{"propagation":"in-tree","containsHead":false}],["\u0000@astro-page:src/pages/feed.xml@_@ts",{"propagation":"in-tree","containsHead":false}],["/work/main/site/src/pages/index.astro",{"propagation":"in-tree","containsHead":true}],["\u0000@astro-page:src/pages/index@_@astro",{"propagation":"in-tree","containsHead":false}],["/work/main/site/src/pages/writeups/[slug].astro",{"propagation":"in-tree","containsHead":true}],["\u0000@astro-page:src/pages/writeups/[slug]@_@astro",{"propagation":"in-tree","containsHead":false}],["/work/main/site/src/pages/capacity.astro",{"propagation":"none","containsHead":true}],["/work/main/site/src/pages/compare/[pair].astro",{"propagation":"none","containsHead":true}],["/work/main/site/src/pages/compare/index.astro",{"propagation":"none","containsHead":true}],["/work/main/site/src/pages/runs/[id]/index.astro",{"propagation":"none","containsHead":true}],["/work/main/site/src/pages/runs/[id]/replay.astro",{"propagation":"none","containsHead":true}]],"renderers":[],"clientDirectives":[["idle","(()=>{var l=(n,t)=>{let i=async()=>{await(await n())()},e=typeof t.value==\"object\"?t.value:void 0,s={timeout:e==null?void 0:e.timeout};\"requestIdleCallback\"in window?window.requestIdleCallback(i,s):setTimeout(i,s.timeout||200)};(self.Astro||(self.Astro={})).idle=l;window.dispatchEvent(new Event(\"astro:idle\"));})();"],["load","(()=>{var e=async t=>{await(await t())()};(self.Astro||(self.Astro={})).load=e;window.dispatchEvent(new Event(\"astro:load\"));})();"],["media","(()=>{var n=(a,t)=>{let i=async()=>{await(await a())()};if(t.value){let e=matchMedia(t.value);e.matches?i():e.addEventListener(\"change\",i,{once:!0})}};(self.Astro||(self.Astro={})).media=n;window.dispatchEvent(new Event(\"astro:media\"));})();"],["only","(()=>{var e=async t=>{await(await t())()};(self.Astro||(self.Astro={})).only=e;window.dispatchEvent(new Event(\"astro:only\"));})();"],["visible","(()=>{var a=(s,i,o)=>{let r=async()=>{await(await s())()},t=typeof i.value==\"object\"?i.value:void 0,c={rootMargin:t==null?void 0:t.rootMargin},n=new IntersectionObserver(e=>{for(let l of e)if(l.isIntersecting){n.disconnect(),r();break}},c);for(let e of o.children)n.observe(e)};(self.Astro||(self.Astro={})).visible=a;window.dispatchEvent(new Event(\"astro:visible\"));})();"]],"entryModules":{"\u0000@astro-page:src/pages/capacity@_@astro":"pages/capacity.astro.mjs","\u0000@astro-page:src/pages/compare/[pair]@_@astro":"pages/compare/_pair_.astro.mjs","\u0000@astro-page:src/pages/compare/index@_@astro":"pages/compare.astro.mjs","\u0000@astro-page:src/pages/data/runs/[id].json@_@ts":"pages/data/runs/_id_.json.astro.mjs","\u0000@astro-page:src/pages/feed.xml@_@ts":"pages/feed.xml.astro.mjs","\u0000@astro-page:src/pages/index@_@astro":"pages/index.astro.mjs","\u0000@astro-page:src/pages/runs/[id]/index@_@astro":"pages/runs/_id_.astro.mjs","\u0000@astro-page:src/pages/runs/[id]/replay@_@astro":"pages/runs/_id_/replay.astro.mjs","\u0000@astro-page:src/pages/writeups/[slug]@_@astro":"pages/writeups/_slug_.astro.mjs","\u0000@astro-renderers":"renderers.mjs","\u0000noop-middleware":"_noop-middleware.mjs","\u0000virtual:astro:actions/noop-entrypoint":"noop-entrypoint.mjs","\u0000@astrojs-manifest":"manifest_De-mG7Tf.mjs","/work/main/site/.astro/content-assets.mjs":"chunks/content-assets_DleWbedO.mjs","/work/main/site/.astro/content-modules.mjs":"chunks/content-modules_Dz-S_Wwv.mjs","\u0000astro:data-layer-content":"chunks/_astro_data-layer-content_DdkG9fUf.mjs","/work/main/node_modules/astro/dist/assets/services/sharp.js":"chunks/sharp_CVcVYGyF.mjs","/work/main/site/src/components/Chart.astro?astro&type=script&index=0&lang.ts":"_astro/Chart.astro_astro_type_script_index_0_lang.AH1YRoMb.js","/work/main/site/src/pages/capacity.astro?astro&type=script&index=0&lang.ts":"_astro/capacity.astro_astro_type_script_index_0_lang.BG5i_3fi.js","/work/main/site/src/pages/compare/[pair].astro?astro&type=script&index=0&lang.ts":"_astro/_pair_.astro_astro_type_script_index_0_lang.221KQEJ1.js","/work/main/site/src/pages/compare/index.astro?astro&type=script&index=0&lang.ts":"_astro/index.astro_astro_type_script_index_0_lang.DCE9957e.js","/work/main/site/src/pages/runs/[id]/replay.astro?astro&type=script&index=0&lang.ts":"_astro/replay.astro_astro_type_script_index_0_lang.bK3P4E0n.js","/work/main/site/src/pages/writeups/[slug].astro?astro&type=script&index=0&lang.ts":"_astro/_slug_.astro_astro_type_script_index_0_lang.QHoBEe_W.js","astro:scripts/before-hydration.js":""},"inlinedScripts":[],"assets":["/file:///tmp/wsbench-bad-writeups-nKBugZ/dist/capacity/index.html","/file:///tmp/wsbench-bad-writeups-nKBugZ/dist/compare/index.html","/file:///tmp/wsbench-bad-writeups-nKBugZ/dist/feed.xml","/file:///tmp/wsbench-bad-writeups-nKBugZ/dist/index.html"],"buildFormat":"directory","checkOrigin":false,"allowedDomains":[],"actionBodySizeLimit":1048576,"serverIslandNameMap":[],"key":"px/W/t19PMGl5omR/oKMaEOq8Ef8AgYxFhLefUy9CXk="});
if (manifest.sessionConfig) manifest.sessionConfig.driverModule = null;

export { manifest };
