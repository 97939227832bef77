// The peer's one registered client (shared by the provider config and the bench).
export const PEER_CLIENT_ID = 'bench';
export const PEER_CLIENT_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
