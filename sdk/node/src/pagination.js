// Lists: an async iterable over every item across pages, fetching a page only when the
// previous one is used up, and pages() for a page at a time ({ items, next_cursor }).

export class List {
  #fetchPage;
  #cursor;

  /** fetchPage(cursor) resolves to { data: { items, next_cursor } }; cursor: where to start. */
  constructor(fetchPage, cursor) {
    this.#fetchPage = fetchPage;
    this.#cursor = cursor;
  }

  /** Each page in turn, from the list's cursor (or the first page) to the last. */
  async *pages() {
    let cursor = this.#cursor;
    do {
      const { data: page } = await this.#fetchPage(cursor);
      yield page;
      cursor = page.next_cursor;
    } while (cursor !== null && cursor !== undefined);
  }

  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) yield* page.items;
  }
}
