/* The OpenAPI page: Swagger UI from the app's own /vendor copy; no validator badge (it would call out). */
(function () {
  'use strict';
  var el = document.getElementById('swagger-ui');
  window.ui = window.SwaggerUIBundle({
    url: el.getAttribute('data-openapi'),
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
    syntaxHighlight: {activated: false},  // its colour themes fall short of AA contrast
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
}());
