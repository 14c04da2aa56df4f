/* slice.frag: one plane of a case with its overlays
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The #version line (GLSL 3.30 core or GLSL ES 3.00 with highp defaults) is
 * prepended by ui/cls-slice-view.c.
 *
 * Every overlay is computed here from the raw textures, so that a new cut is
 * one uniform: no pass over voxels on the CPU, no upload.
 *
 * - Voxels are read with texelFetch at integer indices: the probability is
 *   never interpolated, so p >= cut is decided on the stored float32 value,
 *   exactly as the method decides it (a float32 cut compares exactly).
 * - A fragment maps to a continuous voxel position through u_origin,
 *   u_step_x and u_step_y (voxel units per device pixel); voxel i covers
 *   [i - 0.5, i + 0.5).
 * - Outlines are drawn on the voxel edges where a voxel and its in-plane
 *   neighbour disagree, u_line device pixels on each side of the edge.
 */

uniform highp sampler3D  u_image;
uniform highp sampler3D  u_prob;
uniform highp usampler3D u_label;

uniform ivec3 u_dims;
uniform vec3  u_origin;
uniform vec3  u_step_x;
uniform vec3  u_step_y;
uniform ivec3 u_axis_h;         /* the voxel axis shown horizontally */
uniform ivec3 u_axis_v;         /* the voxel axis shown vertically */
uniform vec2  u_px_per_voxel;   /* device pixels per voxel along them */

uniform int   u_sources;        /* SOURCE_* bits */
uniform int   u_overlays;       /* ClsOverlayFlags */
uniform bool  u_outline;        /* CLS_MASK_STYLE_OUTLINE */
uniform float u_cut;
uniform float u_opacity;
uniform vec2  u_window;         /* lowest value shown black, 1 / width */
uniform float u_line;

uniform vec4  u_color_fixed;
uniform vec4  u_color_calibrated;
uniform vec4  u_color_truth;
uniform vec4  u_color_missed;
uniform vec4  u_color_crosshair;
uniform vec4  u_background;
uniform vec2  u_crosshair;      /* device pixels, at a pixel centre */
uniform float u_crosshair_gap;

out vec4 frag_color;

const int SOURCE_IMAGE = 1;
const int SOURCE_PROB  = 2;
const int SOURCE_LABEL = 4;

const int OVERLAY_FIXED      = 1;
const int OVERLAY_CALIBRATED = 2;
const int OVERLAY_TRUTH      = 4;
const int OVERLAY_MISSED     = 8;
const int OVERLAY_HEATMAP    = 16;
const int OVERLAY_CROSSHAIR  = 32;

bool
inside (ivec3 index)
{
  return all (greaterThanEqual (index, ivec3 (0))) && all (lessThan (index, u_dims));
}

float
prob_at (ivec3 index)
{
  return (u_sources & SOURCE_PROB) != 0 ? texelFetch (u_prob, index, 0).r : 0.0;
}

/* The label is read only when an overlay needs it. */
bool
truth_at (ivec3 index)
{
  if ((u_sources & SOURCE_LABEL) == 0 || (u_overlays & (OVERLAY_TRUTH | OVERLAY_MISSED)) == 0)
    return false;
  return texelFetch (u_label, index, 0).r != 0u;
}

/* Membership in the three sets that can be outlined: x, the 0.5 mask;
 * y, the calibrated mask; z, the ground truth. */
bvec3
sets_of (float p,
         bool  truth)
{
  bool has_prob = (u_sources & SOURCE_PROB) != 0;

  return bvec3 (has_prob && p >= 0.5, has_prob && p >= u_cut, truth);
}

/* The @wanted memberships of a neighbour (the others read as false):
 * nothing is in any set outside the volume. */
bvec3
sets_at (ivec3 index,
         bvec3 wanted)
{
  if (!inside (index))
    return bvec3 (false);
  return sets_of (wanted.x || wanted.y ? prob_at (index) : 0.0,
                  wanted.z && truth_at (index));
}

bvec3
either (bvec3 a,
        bvec3 b)
{
  return bvec3 (a.x || b.x, a.y || b.y, a.z || b.z);
}

bvec3
both (bvec3 a,
      bvec3 b)
{
  return bvec3 (a.x && b.x, a.y && b.y, a.z && b.z);
}

/* Which of the @wanted sets have an edge within u_line pixels of the
 * fragment: an edge between the voxel and an in-plane neighbour that
 * disagree. A neighbour is read once for all the sets, only when the
 * fragment is near the edge it shares with it, and only the textures the
 * wanted sets need. */
bvec3
boundaries (ivec3 index,
            vec3  frac,
            bvec3 here,
            bvec3 wanted)
{
  bvec3 edge = bvec3 (false);
  float th = dot (frac, vec3 (u_axis_h));
  float tv = dot (frac, vec3 (u_axis_v));

  if (!any (wanted))
    return edge;
  if ((0.5 - th) * u_px_per_voxel.x < u_line)
    edge = either (edge, notEqual (sets_at (index + u_axis_h, wanted), here));
  if ((0.5 + th) * u_px_per_voxel.x < u_line)
    edge = either (edge, notEqual (sets_at (index - u_axis_h, wanted), here));
  if ((0.5 - tv) * u_px_per_voxel.y < u_line)
    edge = either (edge, notEqual (sets_at (index + u_axis_v, wanted), here));
  if ((0.5 + tv) * u_px_per_voxel.y < u_line)
    edge = either (edge, notEqual (sets_at (index - u_axis_v, wanted), here));
  return both (edge, wanted);
}

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

vec3
blend (vec3 below, vec4 color, float opacity)
{
  return mix (below, color.rgb, color.a * opacity);
}

vec3
shade_voxel (ivec3 index,
             vec3  frac)
{
  bool has_image = (u_sources & SOURCE_IMAGE) != 0;
  bool has_prob = (u_sources & SOURCE_PROB) != 0;
  float p = prob_at (index);
  bvec3 here = sets_of (p, truth_at (index));
  bool show_fixed = (u_overlays & OVERLAY_FIXED) != 0;
  bool show_calibrated = (u_overlays & OVERLAY_CALIBRATED) != 0;
  bvec3 outlined = bvec3 (u_outline && show_fixed, u_outline && show_calibrated,
                          (u_overlays & OVERLAY_TRUTH) != 0);
  bvec3 edges;
  vec3 color;

  /* Without an image the probability map is the picture, 0 black, 1 white. */
  if (has_image)
    {
      float value = texelFetch (u_image, index, 0).r;

      color = isnan (value) ? vec3 (0.0) : vec3 (clamp ((value - u_window.x) * u_window.y, 0.0, 1.0));
    }
  else
    color = vec3 (clamp (p, 0.0, 1.0));

  if (has_prob && (u_overlays & OVERLAY_HEATMAP) != 0)
    color = mix (color, viridis (p), u_opacity * smoothstep (0.0, 0.1, p));

  /* The two masks are upper sets of the same map, so one holds the other:
   * where both hold, the smaller one's colour wins and the ring between
   * them keeps the larger one's. */
  if (!u_outline)
    {
      bool in_fixed = show_fixed && here.x;
      bool in_calibrated = show_calibrated && here.y;

      if (in_fixed && (!in_calibrated || u_cut <= 0.5))
        color = blend (color, u_color_fixed, u_opacity);
      else if (in_calibrated)
        color = blend (color, u_color_calibrated, u_opacity);
    }

  /* Lesion voxels outside the calibrated mask: the false negatives at the cut. */
  if ((u_overlays & OVERLAY_MISSED) != 0 && has_prob && here.z && !here.y)
    color = blend (color, u_color_missed, u_opacity);

  edges = boundaries (index, frac, here, outlined);
  if (edges.y)
    color = u_color_calibrated.rgb;
  if (edges.x)
    color = u_color_fixed.rgb;
  if (edges.z)
    color = u_color_truth.rgb;

  return color;
}

void
main (void)
{
  vec2 fragment = gl_FragCoord.xy;
  vec3 position = u_origin + u_step_x * fragment.x + u_step_y * fragment.y;
  ivec3 index = ivec3 (floor (position + 0.5));
  vec3 color = u_background.rgb;

  if (inside (index))
    color = shade_voxel (index, position - vec3 (index));

  if ((u_overlays & OVERLAY_CROSSHAIR) != 0)
    {
      vec2 d = abs (fragment - u_crosshair);

      if (max (d.x, d.y) >= u_crosshair_gap && min (d.x, d.y) < 0.5)
        color = blend (color, u_color_crosshair, 1.0);
    }

  frag_color = vec4 (color, 1.0);
}
