/* slice-voxels.frag: pass 1, the plane of a case at voxel resolution
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui/cls-slice-view.c prepends the #version line (GLSL 3.30 core or GLSL ES
 * 3.00 with highp defaults) and NEIGHBOURS, defined 0 or 1: whether the
 * probabilities of the neighbours are read, which only outlined masks need
 * (voxels_b, and the 0.5 mask's edges in the flags).
 *
 * Runs only when a view's plane, slice or case changes: one fragment per
 * voxel of the plane (the viewport is the plane's size in voxels), written
 * into two RGBA32UI textures that hold everything the overlays need for any
 * cut, so that pass 2 (slice.frag) draws every frame from one texel (two
 * when the masks are outlined):
 *
 *   voxels_a = (image, p, flags, 0)
 *   voxels_b = (p at +h, p at -h, p at +v, p at -v)
 *
 * Values are kept as their bits (floatBitsToUint): nothing is rounded or
 * filtered, so pass 2 compares the very float32 probabilities of the 3D
 * texture with the cut, and a NaN image value stays a NaN. A neighbour
 * outside the volume reads p = 0; its "inside" flag is off, and pass 2 puts
 * it in no set, whatever the cut.
 *
 * The flags (the FLAG_* constants, shared with slice.frag) say what does not
 * depend on the cut: whether the voxel is a lesion voxel and in the 0.5
 * mask, which neighbours lie inside the volume, and across which of the four
 * edges the ground truth and (with NEIGHBOURS) the 0.5 mask change. The
 * label texture gives a voxel's and its neighbours' lesion bits in one
 * texel; so without NEIGHBOURS a voxel costs three reads of the volumes,
 * with them seven.
 */

uniform highp sampler3D  u_image;
uniform highp sampler3D  u_prob;
uniform highp usampler3D u_label;

uniform ivec3 u_dims;
uniform ivec3 u_corner;     /* the voxel of texel (0, 0): the slice on the normal axis */
uniform ivec3 u_axis_h;     /* the voxel axis along the texture's x */
uniform ivec3 u_axis_v;     /* the voxel axis along the texture's y */
uniform ivec4 u_label_bits; /* the label texture's bits for the neighbours at +h, -h, +v, -v */
uniform int   u_sources;    /* SOURCE_* bits */

layout (location = 0) out uvec4 voxels_a;
layout (location = 1) out uvec4 voxels_b;

const int SOURCE_IMAGE = 1;
const int SOURCE_PROB  = 2;
const int SOURCE_LABEL = 4;

/* Flags: one bit each, then four bits (+h, -h, +v, -v) each. */
const uint FLAG_LESION     = 1u;
const uint FLAG_FIXED      = 2u;
const int  SHIFT_INSIDE    = 4;
const int  SHIFT_TRUTH     = 8;
const int  SHIFT_FIXED     = 12;

struct Voxel {
  bool  inside;
  float p;
  bool  lesion;
  bool  in_fixed;   /* in the 0.5 mask */
};

/* A voxel of the plane or a neighbour; whether it is a lesion voxel comes
 * from the voxel's label bits (see ClsSliceSource in
 * ui/cls-slice-volumes-private.h), bit @label_bit; its probability only
 * @with_p (a constant: the branch goes at compile time). */
Voxel
read_voxel (ivec3 index,
            uint  labels,
            int   label_bit,
            bool  with_p)
{
  Voxel v = Voxel (false, 0.0, false, false);

  if (all (greaterThanEqual (index, ivec3 (0))) && all (lessThan (index, u_dims)))
    {
      v.inside = true;
      if (with_p && (u_sources & SOURCE_PROB) != 0)
        {
          v.p = texelFetch (u_prob, index, 0).r;
          v.in_fixed = v.p >= 0.5;
        }
      v.lesion = ((labels >> label_bit) & 1u) != 0u;
    }
  return v;
}

/* The flags that neighbour @n across edge @side (0 to 3) adds. */
uint
side_flags (Voxel here,
            Voxel n,
            int   side)
{
  uint bit = 1u << side;
  uint flags = n.inside ? bit << SHIFT_INSIDE : 0u;

  if (n.lesion != here.lesion)
    flags |= bit << SHIFT_TRUTH;
  if (NEIGHBOURS != 0 && n.in_fixed != here.in_fixed)
    flags |= bit << SHIFT_FIXED;
  return flags;
}

void
main (void)
{
  ivec2 texel = ivec2 (gl_FragCoord.xy);
  ivec3 index = u_corner + u_axis_h * texel.x + u_axis_v * texel.y;
  uint labels = (u_sources & SOURCE_LABEL) != 0 ? texelFetch (u_label, index, 0).r : 0u;
  bool neighbours = NEIGHBOURS != 0;
  Voxel here = read_voxel (index, labels, 0, true);
  Voxel next_h = read_voxel (index + u_axis_h, labels, u_label_bits.x, neighbours);
  Voxel prev_h = read_voxel (index - u_axis_h, labels, u_label_bits.y, neighbours);
  Voxel next_v = read_voxel (index + u_axis_v, labels, u_label_bits.z, neighbours);
  Voxel prev_v = read_voxel (index - u_axis_v, labels, u_label_bits.w, neighbours);
  uint image = floatBitsToUint (0.0);
  uint flags;

  if ((u_sources & SOURCE_IMAGE) != 0)
    image = floatBitsToUint (texelFetch (u_image, index, 0).r);

  flags = (here.lesion ? FLAG_LESION : 0u) | (here.in_fixed ? FLAG_FIXED : 0u)
          | side_flags (here, next_h, 0) | side_flags (here, prev_h, 1)
          | side_flags (here, next_v, 2) | side_flags (here, prev_v, 3);

  voxels_a = uvec4 (image, floatBitsToUint (here.p), flags, 0u);
  voxels_b = floatBitsToUint (vec4 (next_h.p, prev_h.p, next_v.p, prev_v.p));
}
