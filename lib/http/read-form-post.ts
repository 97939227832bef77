// The fields of a page form's POST (the approval and user-code pages' route handlers).

/** The form fields as strings; null when the body is not a form we can read. */
export const readFormPost = async (request: Request, body: Buffer): Promise<URLSearchParams | null> => {
  const contentType = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      return new URLSearchParams(new TextDecoder('utf-8', { fatal: true }).decode(body));
    }
    if (contentType === 'multipart/form-data') {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': request.headers.get('content-type') ?? '' },
      }).formData();
      const params = new URLSearchParams();
      for (const [name, value] of form.entries()) if (typeof value === 'string') params.append(name, value);

      return params;
    }
  } catch {
    return null;
  }

  return null;
};

/** A field sent exactly once, else undefined (a repeated field is ambiguous and refused). */
export const singleField = (form: URLSearchParams, name: string): string | undefined => {
  const values = form.getAll(name);

  return values.length === 1 ? values[0] : undefined;
};
