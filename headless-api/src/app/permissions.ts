/** Roles an API key or user can hold (DESIGN.md, API conventions). */
export const ROLES = ['admin', 'analyst', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs. Each route declares exactly one; the matrix below says
 * which roles hold it. Kept apart from the routes so the matrix can grow
 * (issue 4: personal-data masking, notes, audit) without touching handlers.
 */
export const PERMISSIONS = [
  'events:write', 'players:read', 'players:write', 'segments:read', 'segments:write', 'segments:settings',
  'personal:read', 'personal:export', 'personal:erase', 'audit:read',
  'keys:manage', 'tenant:settings', 'embed-tokens:create',
  'notes:write',
  // Held by platform keys (`pbp_…`, routes/admin.ts) only, never by a tenant role.
  'platform:tenants',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Which role holds which permission.
 *
 * Personal data (issue 4): `personal:read` is not a route guard but the
 * right to see name, email, phone and IP unmasked in any response; a role
 * without it (analyst) gets them masked by `masking.ts`. Agents handle
 * players' requests, so they read and export (GDPR Art. 15/20 requests
 * arrive through support) but do not erase: erasure is irreversible and
 * stays with admins, as does reading the audit log. `notes:write` (player
 * card): agents and admins add notes and record responsible-gambling
 * interactions on a player.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['events:write', 'players:read', 'players:write', 'segments:read', 'segments:write', 'segments:settings', 'personal:read', 'personal:export', 'personal:erase', 'audit:read', 'keys:manage', 'tenant:settings', 'embed-tokens:create', 'notes:write'],
  analyst: ['players:read', 'segments:read', 'segments:write', 'embed-tokens:create'],
  agent: ['players:read', 'segments:read', 'personal:read', 'personal:export', 'embed-tokens:create', 'notes:write'],
};

/**
 * Whether `role` holds `permission`.
 *
 * @example
 * can('analyst', 'events:write'); // false
 */
export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** OpenAPI extension carrying a route's permission, so tests can walk the document. */
export const PERMISSION_EXTENSION = 'x-pitboss-permission';
