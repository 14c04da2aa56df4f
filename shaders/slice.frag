/* slice.frag: pass 2, one plane of a case with its overlays
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/cls-slice-view.c prepends the #version line (GLSL 3.30 core or GLSL ES
 * 3.00 with highp defaults) and the switches below, each defined 0 or 1:
 *
 *   HAS_IMAGE, HAS_PROB, HAS_LABEL     which volumes the case has
 *   SHOW_FIXED, SHOW_CALIBRATED,       the overlays (ClsOverlayFlags)
 *   SHOW_TRUTH, SHOW_MISSED,
 *   SHOW_HEATMAP
 *   SHOW_COMPARE                       two methods' masks (never with
 *                                      SHOW_FIXED, SHOW_CALIBRATED or
 *                                      SHOW_MISSED)
 *   MASK_OUTLINE                       masks outlined, not filled
 *
 * so that each program holds only the code its picture needs: software
 * OpenGL (llvmpipe) runs both sides of every branch, even on a uniform.
 *
 * Runs for every frame. Every overlay is decided here from the voxel
 * textures that pass 1 (slice-voxels.frag) made for the plane, so that a
 * new cut is one uniform: no pass over voxels on the CPU, no upload, and no
 * read of the 3D textures. The crosshair is drawn over it afterwards
 * (slice-crosshair.frag).
 *
 * - One texel per fragment (two with outlined masks): the voxel's image
 *   value and probability (and those of its four in-plane neighbours) as
 *   float32 bits, read with texelFetch at integer indices, and flags for
 *   what does not depend on the cut. p >= cut is decided on the stored
 *   float32 values, exactly as the method decides it (a float32 cut
 *   compares exactly).
 * - A fragment maps to a continuous voxel position in the plane through
 *   u_origin and u_step (voxels per device pixel, across and up); voxel i
 *   covers [i - 0.5, i + 0.5).
 * - Outlines are drawn on the voxel edges where a voxel and its in-plane
 *   neighbour disagree, u_line device pixels on each side of the edge.
 */

uniform highp usampler2D u_voxels_a;   /* image, p, flags */
uniform highp usampler2D u_voxels_b;   /* p at +h, -h, +v, -v */

uniform ivec2 u_size;           /* the plane in voxels: across, up */
uniform vec2  u_origin;         /* the voxel position at device pixel (0, 0) */
uniform vec2  u_step;           /* voxels per device pixel, across and up */
uniform vec2  u_px_per_voxel;   /* device pixels per voxel, across and up */

uniform float u_cut;
uniform float u_opacity;
uniform vec2  u_window;         /* lowest value shown black, 1 / width */
uniform float u_line;

uniform vec4  u_color_fixed;
uniform vec4  u_color_calibrated;
uniform vec4  u_color_truth;
uniform vec4  u_color_missed;
uniform vec4  u_background;

uniform float u_cut_a;          /* the two methods' cuts (SHOW_COMPARE) */
uniform float u_cut_b;
uniform vec4  u_color_agreement;
uniform vec4  u_color_only_a;
uniform vec4  u_color_only_b;

out vec4 frag_color;

/* The flags of slice-voxels.frag. */
const uint FLAG_LESION  = 1u;
const uint FLAG_FIXED   = 2u;
const int  SHIFT_INSIDE = 4;
const int  SHIFT_TRUTH  = 8;
const int  SHIFT_FIXED  = 12;

#define OUTLINED (SHOW_TRUTH || (MASK_OUTLINE && HAS_PROB && (SHOW_FIXED || SHOW_CALIBRATED)))

/* The four edges (+h, -h, +v, -v) from four bits of @flags. */
bvec4
edge_flags (uint flags,
            int  shift)
{
  return notEqual (uvec4 (flags >> shift) & uvec4 (1u, 2u, 4u, 8u), uvec4 (0u));
}

/* Whether an edge is both near the fragment and one where a set changes. */
bool
on_edge (bvec4 near,
         bvec4 changes)
{
  return any (bvec4 (near.x && changes.x, near.y && changes.y, near.z && changes.z, near.w && changes.w));
}

#if SHOW_HEATMAP
/* Viridis at five stops, linearly between them. */
vec3
viridis (float t)
{
  const vec3 c0 = vec3 (0.267, 0.005, 0.329);
  const vec3 c1 = vec3 (0.231, 0.322, 0.545);
  const vec3 c2 = vec3 (0.129, 0.569, 0.549);
  const vec3 c3 = vec3 (0.369, 0.788, 0.384);
  const vec3 c4 = vec3 (0.992, 0.906, 0.145);
  float s = clamp (t, 0.0, 1.0) * 4.0;

  if (s < 1.0)
    return mix (c0, c1, s);
  if (s < 2.0)
    return mix (c1, c2, s - 1.0);
  if (s < 3.0)
    return mix (c2, c3, s - 2.0);
  return mix (c3, c4, s - 3.0);
}
#endif

vec3
shade_voxel (ivec2 index,
             vec2  frac)
{
  uvec4 a = texelFetch (u_voxels_a, index, 0);
  float p = uintBitsToFloat (a.y);
  uint flags = a.z;
  bool in_calibrated = HAS_PROB != 0 && p >= u_cut;
  vec3 color;

  /* Without an image the probability map is the picture, 0 black, 1 white. */
#if HAS_IMAGE
  {
    float value = uintBitsToFloat (a.x);

    color = isnan (value) ? vec3 (0.0) : vec3 (clamp ((value - u_window.x) * u_window.y, 0.0, 1.0));
  }
#else
  color = vec3 (clamp (p, 0.0, 1.0));
#endif

#if SHOW_HEATMAP && HAS_PROB
  color = mix (color, viridis (p), u_opacity * smoothstep (0.0, 0.1, p));
#endif

  /* The two masks are upper sets of the same map, so one holds the other:
   * where both hold, the smaller one's colour wins and the ring between
   * them keeps the larger one's. A colour is blended in with its alpha
   * times the opacity (a weight of 0 leaves the colour as it is). */
#if !MASK_OUTLINE && HAS_PROB && (SHOW_FIXED || SHOW_CALIBRATED)
  {
    bool fill_fixed = SHOW_FIXED != 0 && (flags & FLAG_FIXED) != 0u;
    bool fill_calibrated = SHOW_CALIBRATED != 0 && in_calibrated;
    bool fixed_wins = fill_fixed && (!fill_calibrated || u_cut <= 0.5);
    vec4 fill = fixed_wins ? u_color_fixed : u_color_calibrated;

    color = mix (color, fill.rgb, fixed_wins || fill_calibrated ? fill.a * u_opacity : 0.0);
  }
#endif

  /* Two methods at once, always filled: where both masks hold, where only
   * A's, where only B's. Each is decided as the calibrated mask is. */
#if SHOW_COMPARE && HAS_PROB
  {
    bool in_a = p >= u_cut_a;
    bool in_b = p >= u_cut_b;
    vec4 fill = in_a && in_b ? u_color_agreement : (in_a ? u_color_only_a : u_color_only_b);

    color = mix (color, fill.rgb, in_a || in_b ? fill.a * u_opacity : 0.0);
  }
#endif

  /* Lesion voxels outside the calibrated mask: the false negatives at the cut. */
#if SHOW_MISSED && HAS_PROB && HAS_LABEL
  color = mix (color, u_color_missed.rgb,
               (flags & FLAG_LESION) != 0u && !in_calibrated ? u_color_missed.a * u_opacity : 0.0);
#endif

#if OUTLINED
  {
    /* The edges within u_line pixels of the fragment. */
    bvec4 near = lessThan (vec4 (0.5 - frac.x, 0.5 + frac.x, 0.5 - frac.y, 0.5 + frac.y) * u_px_per_voxel.xxyy,
                           vec4 (u_line));

#if MASK_OUTLINE && HAS_PROB && SHOW_CALIBRATED
    {
      /* Outside the volume a neighbour is in no mask, whatever the cut. */
      vec4 beyond = uintBitsToFloat (texelFetch (u_voxels_b, index, 0));
      bvec4 calibrated_beyond = bvec4 (uvec4 (greaterThanEqual (beyond, vec4 (u_cut)))
                                       & uvec4 (edge_flags (flags, SHIFT_INSIDE)));

      if (on_edge (near, notEqual (calibrated_beyond, bvec4 (in_calibrated))))
        color = u_color_calibrated.rgb;
    }
#endif
#if MASK_OUTLINE && HAS_PROB && SHOW_FIXED
    if (on_edge (near, edge_flags (flags, SHIFT_FIXED)))
      color = u_color_fixed.rgb;
#endif
#if SHOW_TRUTH && HAS_LABEL
    if (on_edge (near, edge_flags (flags, SHIFT_TRUTH)))
      color = u_color_truth.rgb;
#endif
  }
#endif

  return color;
}

void
main (void)
{
  vec2 fragment = gl_FragCoord.xy;
  vec2 position = u_origin + u_step * fragment;
  vec2 rounded = floor (position + 0.5);
  ivec2 index = ivec2 (rounded);
  /* Read inside the texture always; outside the plane the background wins. */
  ivec2 inside = clamp (index, ivec2 (0), u_size - 1);
  vec3 color = shade_voxel (inside, position - rounded);

  if (any (notEqual (index, inside)))
    color = u_background.rgb;

  frag_color = vec4 (color, 1.0);
}
