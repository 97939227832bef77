import { serveRequestStream } from '@/lib/http/request-stream';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ slug: string }> };

export async function GET(request: Request, { params }: Context): Promise<Response> {
  return serveRequestStream(request, (await params).slug);
}
