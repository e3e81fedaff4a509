// @vitest-environment node
import { describe, expect, it } from "vitest";
import { SseParser } from "./parser.ts";

describe("SseParser", () => {
  it("dispatches an event at the blank line, with its type and id", () => {
    const p = new SseParser();
    expect(p.push('event: media.published\nid: 7\ndata: {"a":1}\n')).toEqual([]);
    expect(p.push("\n")).toEqual([
      { event: "media.published", data: '{"a":1}', id: "7", retry: undefined },
    ]);
    expect(p.lastEventId).toBe("7");
  });

  it("joins multi-line data and defaults the type to message", () => {
    const p = new SseParser();
    const [msg] = p.push("data: line 1\ndata:line 2\n\n");
    expect(msg).toMatchObject({ event: "message", data: "line 1\nline 2" });
  });

  it("handles chunks split anywhere, including inside a CRLF", () => {
    const text = 'data: {"x":"héllo"}\r\n\r\ndata: second\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got.map((m) => m.data)).toEqual(['{"x":"héllo"}', "second"]);
    }
  });

  it("accepts a lone CR as line ending", () => {
    const p = new SseParser();
    const got = p.push("data: a\r\rdata: b\r");
    expect(got.map((m) => m.data)).toEqual(["a"]);
    // A CR at the very end might be half of a CRLF: the event completes with the next byte.
    expect(p.push("\r")).toEqual([]);
    expect(p.push(": keep-alive\n").map((m) => m.data)).toEqual(["b"]);
  });

  it("ignores comments (keep-alives) and events without data", () => {
    const p = new SseParser();
    expect(p.push(": ping\n\nevent: nothing\n\n")).toEqual([]);
    expect(p.push("data\n\n")).toEqual([
      { event: "message", data: "", id: undefined, retry: undefined },
    ]);
  });

  it("reads retry only when it is a number and keeps the last id across events", () => {
    const p = new SseParser();
    const [a] = p.push("retry: 3000\nid: 1\ndata: x\n\n");
    const [b] = p.push("retry: soon\ndata: y\n\n");
    expect(a?.retry).toBe(3000);
    expect(b?.retry).toBeUndefined();
    expect(b?.id).toBeUndefined();
    expect(p.lastEventId).toBe("1");
  });
});
