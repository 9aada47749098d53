// A fake Kamiwaza API on 127.0.0.1 that records each request and answers
// from a table of routes, so the tests need no network.

import http from "node:http";

/** Starts the fake; `routes` maps "METHOD /path" to a handler returning {status, body, headers}. */
export async function startFakeKamiwaza(routes) {
  const requests = [];
  const server = http.createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const url = new URL(request.url, "http://fake");
    const recorded = { method: request.method, path: url.pathname, query: url.searchParams, headers: request.headers, body };
    requests.push(recorded);
    const handler = routes[`${request.method} ${url.pathname}`];
    const answer = handler ? handler(recorded, requests) : { status: 404, body: { detail: "no such route" } };
    const isText = typeof answer.body === "string";
    response.writeHead(answer.status ?? 200, {
      "content-type": isText ? "text/plain" : "application/json",
      ...answer.headers,
    });
    response.end(answer.body === undefined ? undefined : isText ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}/api`;
  return { baseUrl, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}
