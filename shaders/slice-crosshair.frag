/* slice-crosshair.frag: the crosshair, drawn over pass 2 with blending
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The #version line is prepended by ui/cls-slice-view.c. The lines are
 * scissor rectangles one device pixel wide: only their pixels run this.
 */

uniform vec4 u_color;

out vec4 frag_color;

void
main (void)
{
  frag_color = u_color;
}
