import { conversationIdFor } from './conversation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(conversationIdFor.name, () => {
  it('gives every turn of one session the same id, in UUID form', () => {
    expect(conversationIdFor('gateway:abc')).toBe(conversationIdFor('gateway:abc'));
    expect(conversationIdFor('gateway:abc')).toMatch(UUID);
  });

  it('gives other sessions and other callers other ids', () => {
    expect(conversationIdFor('gateway:abc')).not.toBe(conversationIdFor('gateway:abd'));
    expect(conversationIdFor('gateway:abc')).not.toBe(conversationIdFor('tenant-1:abc'));
  });

  it('gives a request without a session a fresh id each time', () => {
    expect(conversationIdFor(undefined)).not.toBe(conversationIdFor(undefined));
    expect(conversationIdFor(undefined)).toMatch(UUID);
  });
});
