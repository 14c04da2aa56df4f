/* slice.vert: one triangle that covers the whole viewport
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The #version line (GLSL 3.30 core or GLSL ES 3.00) is prepended by
 * ui/cls-slice-view.c. No vertex buffer: the corners come from gl_VertexID.
 */

void
main (void)
{
  vec2 corner = vec2 (float ((gl_VertexID << 1) & 2), float (gl_VertexID & 2));

  gl_Position = vec4 (corner * 2.0 - 1.0, 0.0, 1.0);
}
