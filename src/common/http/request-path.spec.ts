import { requestPath } from './request-path';

describe(requestPath.name, () => {
  it('is the path of an origin-form target, without its query', () => {
    expect(requestPath('/v1/messages')).toBe('/v1/messages');
    expect(requestPath('/v1/messages?beta=true')).toBe('/v1/messages');
    expect(requestPath('/')).toBe('/');
  });

  it('is the path of an absolute-form target', () => {
    expect(requestPath('http://gateway:8000/v1/messages?beta=true')).toBe('/v1/messages');
    expect(requestPath('https://x/v1/models/')).toBe('/v1/models/');
    expect(requestPath('http://x')).toBe('/');
  });

  it('leaves any other target as it is', () => {
    expect(requestPath('*')).toBe('*');
  });
});
