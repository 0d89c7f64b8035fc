// The docs page's initializer: Swagger UI over this service's OpenAPI document.
// A file of its own, not an inline script, so that the page's Content-Security-Policy
// can allow scripts from this origin only.
(function () {
  "use strict";

  // The page is served at <prefix>/docs: /api/v1/docs directly, /v1/docs behind the
  // reverse proxy (deploy/nginx.conf), which serves /api/v1/... at /v1/....
  var prefix = window.location.pathname.replace(/\/docs$/, "");
  var served = window.location.origin + "/api/v1/";

  window.ui = SwaggerUIBundle({
    url: prefix + "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    displayRequestDuration: true,
    // Nothing leaves this origin: no online validator badge.
    validatorUrl: null,
    // The key stays in this tab's memory only: a reload forgets it.
    persistAuthorization: false,
    // The document's paths are as served (/api/v1/...); behind the proxy, "Try it out"
    // sends them where this page came from.
    requestInterceptor: function (request) {
      if (prefix !== "/api/v1" && request.url.indexOf(served) === 0) {
        request.url = window.location.origin + prefix + "/" + request.url.slice(served.length);
      }
      return request;
    }
  });
})();
