import { createServer } from 'node:http';
import { customerFeedHandler, signFeedUrl, toNodeListener } from '@lotgraph/integrations';
import type { Lotgraph } from '@lotgraph/sdk';

/** Serve the customer feed on 127.0.0.1 and hand shop1 a link valid for a week. */
export async function serveFeed(lg: Lotgraph, secret: string) {
  const feed = customerFeedHandler({
    lotgraph: lg,
    apiKeys: { shop1: ['shop1-key-0123456789abcdef'] },
    signingSecret: secret,
  });
  const server = createServer(toNodeListener(feed));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const link = signFeedUrl(`http://127.0.0.1:${port}`, 'shop1', {
    secret,
    expiresAt: Date.now() + 7 * 86_400_000,
  });
  return { server, link };
}
