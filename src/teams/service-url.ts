import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  const family = isIP(host);
  // BlockList also matches an IPv4-mapped ::ffff:127.x.y.z against the IPv4 subnet.
  return family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Where a bot without credentials may send: the loopback and the Agents Playground. Without
 * credentials nothing vouches for an activity's serviceUrl, and anyone who reaches the bot
 * could otherwise have it post conversation data to a host of their choosing.
 */
export function localServiceUrls(playgroundServiceUrl: string | undefined): (serviceUrl: string) => boolean {
  const playgroundOrigin = playgroundServiceUrl === undefined ? undefined : new URL(playgroundServiceUrl).origin;
  return (serviceUrl) => {
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return isLoopbackHost(url.hostname) || url.origin === playgroundOrigin;
  };
}
