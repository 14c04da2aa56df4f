/* test-slice-view.c: the overlays a slice view draws, pixel by pixel
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cls-error.h"
#include "cls-slice-view.h"
#include "cls-tri-planar.h"
#include "cls-test-util.h"
#include "cls-slice-test.h"

/* A synthetic case: 24 x 16 x 5 voxels of 1 mm (RAS), blocks of 3 x 3
 * voxels in slice k = 2, each with one probability and one label, and two
 * blocks in the next slice that differ from it. */
#define NX 24
#define NY 16
#define NZ 5
#define SLICE 2

typedef struct {
  const char *name;
  int         i0;
  int         j0;
  float       p;
  guint8      label;
} Block;

static Block blocks[] = {
  { "certain lesion",  1, 1, 0.9f, 1 },
  { "uncertain lesion", 6, 1, 0.4f, 1 },
  { "at the cut",     11, 1, 0.3f, 0 },   /* 0.3f exactly: inside p >= 0.3f */
  { "missed lesion",  16, 1, 0.2f, 1 },
  { "below the cut",   1, 6, 0.0f, 0 },   /* the float just below 0.3f, set at run time */
  { "at one half",     6, 6, 0.5f, 0 },
  { "low background", 11, 6, 0.2f, 0 },
  { "at the edge",    21, 6, 0.9f, 0 },   /* touches the volume's right side */
};

enum { CERTAIN, UNCERTAIN, AT_CUT, MISSED, BELOW_CUT, HALF, LOW, EDGE };

/* Slice k = 3: where slice 2 has the certain lesion, p = 0.2 and no label;
 * where it has low background, p = 0.9; the missed lesion goes on. */
static const Block next_slice[] = {
  { "no longer certain", 1, 1, 0.2f, 0 },
  { "now certain",      11, 6, 0.9f, 0 },
  { "still missed",     16, 1, 0.2f, 1 },
};

static const double identity[4][4] = {
  { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 },
};

static ClsSliceVolumes *
make_case (gboolean with_image)
{
  static const gint64 dims[3] = { NX, NY, NZ };
  g_autoptr(ClsVolume) prob = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, identity);
  g_autoptr(ClsVolume) label = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, identity);
  g_autoptr(ClsVolume) image = cls_volume_new (dims, 1, CLS_DATATYPE_INT16, identity);
  float *p = cls_volume_get_data (prob);
  guint8 *l = cls_volume_get_data (label);
  g_autoptr(GError) error = NULL;
  ClsSliceVolumes *volumes;

  blocks[BELOW_CUT].p = nextafterf (0.3f, 0.0f);
  for (guint b = 0; b < G_N_ELEMENTS (blocks) + G_N_ELEMENTS (next_slice); b++)
    {
      const Block *block = b < G_N_ELEMENTS (blocks) ? &blocks[b] : &next_slice[b - G_N_ELEMENTS (blocks)];
      gsize k = b < G_N_ELEMENTS (blocks) ? SLICE : SLICE + 1;

      for (int j = block->j0; j < block->j0 + 3; j++)
        for (int i = block->i0; i < block->i0 + 3; i++)
          {
            gsize offset = (gsize) i + NX * ((gsize) j + NY * k);

            p[offset] = block->p;
            l[offset] = block->label;
          }
    }

  /* The image is 0 everywhere: mid-grey in a window of width 100 at level 0. */
  volumes = cls_slice_volumes_new (with_image ? image : NULL, prob, label, &error);
  g_assert_no_error (error);
  return volumes;
}

typedef struct {
  ClsSliceVolumes *volumes;
  ClsSliceView    *view;
  ClsSliceStyle   *style;
  GtkWindow       *window;
} Fixture;

static gboolean
fixture_show_plane (Fixture       *fixture,
                    gboolean       with_image,
                    ClsSlicePlane  plane,
                    const gint64   cursor[3])
{
  if (!cls_slice_test_init_display ())
    return FALSE;

  fixture->volumes = make_case (with_image);
  fixture->view = CLS_SLICE_VIEW (cls_slice_view_new (plane));
  fixture->style = cls_slice_view_get_style (fixture->view);
  cls_slice_view_set_volumes (fixture->view, fixture->volumes);
  cls_slice_view_set_cursor (fixture->view, cursor);

  cls_slice_style_set_window (fixture->style, 100, 0);
  cls_slice_style_set_cut (fixture->style, 0.3);
  cls_slice_style_set_opacity (fixture->style, 1.0);
  cls_slice_style_set_mask_style (fixture->style, CLS_MASK_STYLE_FILL);
  cls_slice_style_set_overlays (fixture->style, CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED |
                                                CLS_OVERLAY_MISSED);

  fixture->window = cls_slice_test_show (GTK_WIDGET (fixture->view), fixture->view, 480, 320);
  return fixture->window != NULL;
}

static gboolean
fixture_show (Fixture  *fixture,
              gboolean  with_image)
{
  static const gint64 cursor[3] = { 12, 8, SLICE };

  return fixture_show_plane (fixture, with_image, CLS_SLICE_PLANE_AXIAL, cursor);
}

static void
fixture_clear (Fixture *fixture)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  g_clear_pointer (&fixture->volumes, cls_slice_volumes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static void
render (Fixture            *fixture,
        ClsSliceTestPixels *pixels)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cls_slice_view_render_to_texture (fixture->view, &error);

  g_assert_no_error (error);
  g_assert_nonnull (texture);
  cls_slice_test_download (texture, pixels);
}

/* The pixel where voxel position @index is drawn (the coordinate through
 * the plane is ignored). */
static void
pixel_at_index (Fixture                  *fixture,
                const ClsSliceTestPixels *pixels,
                const double              index[3],
                int                       rgb[3])
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (fixture->view));
  double x, y;

  g_assert_true (cls_slice_view_voxel_to_widget (fixture->view, index, &x, &y));
  cls_slice_test_rgb (pixels, (int) floor (x * scale), (int) floor (y * scale), rgb);
}

/* The pixel where voxel position (i, j) of the axial slice is drawn. */
static void
pixel_at (Fixture                  *fixture,
          const ClsSliceTestPixels *pixels,
          double                    i,
          double                    j,
          int                       rgb[3])
{
  double index[3] = { i, j, SLICE };

  pixel_at_index (fixture, pixels, index, rgb);
}

static void
block_pixel (Fixture                  *fixture,
             const ClsSliceTestPixels *pixels,
             int                       block,
             int                       rgb[3])
{
  pixel_at (fixture, pixels, blocks[block].i0 + 1, blocks[block].j0 + 1, rgb);
}

static void
assert_rgb (const char *what,
            const int   rgb[3],
            double      r,
            double      g,
            double      b)
{
  double want[3] = { r, g, b };

  for (int c = 0; c < 3; c++)
    if (fabs (rgb[c] - want[c] * 255.0) > 2.0)
      g_error ("%s: got (%d, %d, %d), want (%.0f, %.0f, %.0f)", what, rgb[0], rgb[1], rgb[2],
               r * 255, g * 255, b * 255);
}

static void
assert_color (Fixture         *fixture,
              const char      *what,
              const int        rgb[3],
              ClsOverlayColor  which)
{
  GdkRGBA color;

  cls_slice_style_get_color (fixture->style, which, &color);
  assert_rgb (what, rgb, color.red, color.green, color.blue);
}

static void
assert_block_color (Fixture                  *fixture,
                    const ClsSliceTestPixels *pixels,
                    int                       block,
                    ClsOverlayColor           which)
{
  int rgb[3];

  block_pixel (fixture, pixels, block, rgb);
  assert_color (fixture, blocks[block].name, rgb, which);
}

static void
assert_block_grey (Fixture                  *fixture,
                   const ClsSliceTestPixels *pixels,
                   int                       block,
                   double                    grey)
{
  int rgb[3];

  block_pixel (fixture, pixels, block, rgb);
  assert_rgb (blocks[block].name, rgb, grey, grey, grey);
}

static void
test_masks_at_low_cut (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  int rgb[3];

  if (!fixture_show (&fixture, TRUE))
    return;
  render (&fixture, &pixels);

  /* cut 0.3 <= 0.5: the 0.5 mask lies inside the calibrated one and wins. */
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_color (&fixture, &pixels, HALF, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_color (&fixture, &pixels, UNCERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_color (&fixture, &pixels, AT_CUT, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_color (&fixture, &pixels, MISSED, CLS_OVERLAY_COLOR_MISSED);
  assert_block_grey (&fixture, &pixels, BELOW_CUT, 0.5);
  assert_block_grey (&fixture, &pixels, LOW, 0.5);

  pixel_at (&fixture, &pixels, 20, 12, rgb);
  assert_rgb ("background", rgb, 0.5, 0.5, 0.5);
}

static void
test_masks_at_high_cut (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };

  if (!fixture_show (&fixture, TRUE))
    return;

  /* A new cut is a uniform: the same textures, another picture. */
  cls_slice_style_set_cut (fixture.style, 0.6);
  render (&fixture, &pixels);

  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_color (&fixture, &pixels, HALF, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_color (&fixture, &pixels, UNCERTAIN, CLS_OVERLAY_COLOR_MISSED);
  assert_block_color (&fixture, &pixels, MISSED, CLS_OVERLAY_COLOR_MISSED);
  assert_block_grey (&fixture, &pixels, AT_CUT, 0.5);

  /* A cut above every probability (no calibration): no calibrated mask. */
  cls_slice_style_set_cut (fixture.style, G_MAXDOUBLE);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_color (&fixture, &pixels, HALF, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MISSED);
  assert_block_grey (&fixture, &pixels, AT_CUT, 0.5);

  /* Exactly at a float32 cut: still inside. */
  cls_slice_style_set_cut (fixture.style, (double) nextafterf (0.3f, 0.0f));
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_color (&fixture, &pixels, BELOW_CUT, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_color (&fixture, &pixels, AT_CUT, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_grey (&fixture, &pixels, LOW, 0.5);
}

static void
test_opacity_and_visibility (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  GdkRGBA fixed;
  int rgb[3];

  if (!fixture_show (&fixture, TRUE))
    return;

  cls_slice_style_set_opacity (fixture.style, 0.5);
  render (&fixture, &pixels);
  cls_slice_style_get_color (fixture.style, CLS_OVERLAY_COLOR_MASK_FIXED, &fixed);
  block_pixel (&fixture, &pixels, CERTAIN, rgb);
  assert_rgb ("half-opaque 0.5 mask", rgb, (0.5 + fixed.red) / 2, (0.5 + fixed.green) / 2,
              (0.5 + fixed.blue) / 2);

  /* Without the 0.5 mask the calibrated mask shows through. */
  cls_slice_style_set_opacity (fixture.style, 1.0);
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_MASK_CALIBRATED);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_grey (&fixture, &pixels, MISSED, 0.5);

  /* A colour of one's own. */
  cls_slice_style_set_color (fixture.style, CLS_OVERLAY_COLOR_MASK_CALIBRATED,
                             &(GdkRGBA) { 1, 1, 0, 1 });
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  block_pixel (&fixture, &pixels, CERTAIN, rgb);
  assert_rgb ("yellow calibrated mask", rgb, 1, 1, 0);
}

static void
test_outlines (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  int rgb[3];
  /* The edge between the certain block's last column (i = 3) and i = 4. */
  double edge_i = blocks[CERTAIN].i0 + 2.5;
  double middle_j = blocks[CERTAIN].j0 + 1;

  if (!fixture_show (&fixture, TRUE))
    return;

  cls_slice_style_set_mask_style (fixture.style, CLS_MASK_STYLE_OUTLINE);
  render (&fixture, &pixels);

  /* Outlined, the anatomy shows inside; the edge is drawn. */
  assert_block_grey (&fixture, &pixels, CERTAIN, 0.5);
  pixel_at (&fixture, &pixels, edge_i, middle_j, rgb);
  assert_color (&fixture, "0.5 mask outline", rgb, CLS_OVERLAY_COLOR_MASK_FIXED);
  pixel_at (&fixture, &pixels, blocks[UNCERTAIN].i0 + 2.5, blocks[UNCERTAIN].j0 + 1, rgb);
  assert_color (&fixture, "calibrated mask outline", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);

  /* The ground truth's outline on top, compared in voxel space. */
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_DEFAULT & ~CLS_OVERLAY_CROSSHAIR);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  pixel_at (&fixture, &pixels, edge_i, middle_j, rgb);
  assert_color (&fixture, "ground-truth outline", rgb, CLS_OVERLAY_COLOR_GROUND_TRUTH);
  pixel_at (&fixture, &pixels, blocks[AT_CUT].i0 + 2.5, blocks[AT_CUT].j0 + 1, rgb);
  assert_color (&fixture, "no ground truth: the mask's outline", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
}

/* The two drawing passes: the plane is sampled from the volumes (pass 1)
 * once per slice (and once more for outlined masks); a new cut, style or
 * zoom only draws again from what pass 1 kept (pass 2), and draws it
 * exactly. */
static void
test_new_cut_is_pass_two (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  guint passes;

  if (!fixture_show (&fixture, TRUE))
    return;
  render (&fixture, &pixels);
  passes = cls_slice_view_get_n_voxel_passes (fixture.view);
  g_assert_cmpuint (passes, >=, 1);
  assert_block_color (&fixture, &pixels, UNCERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);

  /* Cut 0.6, then 0.3f exactly, then just above it: only uniforms. */
  cls_slice_style_set_cut (fixture.style, 0.6);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_color (&fixture, &pixels, UNCERTAIN, CLS_OVERLAY_COLOR_MISSED);
  assert_block_grey (&fixture, &pixels, AT_CUT, 0.5);

  cls_slice_style_set_cut (fixture.style, (double) 0.3f);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_color (&fixture, &pixels, AT_CUT, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  assert_block_grey (&fixture, &pixels, BELOW_CUT, 0.5);

  cls_slice_style_set_cut (fixture.style, (double) nextafterf (0.3f, 1.0f));
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  assert_block_grey (&fixture, &pixels, AT_CUT, 0.5);
  assert_block_color (&fixture, &pixels, UNCERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);

  /* Neither the window, the opacity, the overlays, the zoom nor the
   * cursor within the plane samples the plane again. */
  cls_slice_style_set_window (fixture.style, 50, 0);
  cls_slice_style_set_opacity (fixture.style, 0.5);
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_DEFAULT | CLS_OVERLAY_HEATMAP);
  cls_slice_view_set_zoom (fixture.view, 2.0);
  cls_slice_view_set_cursor (fixture.view, (gint64[]) { 3, 3, SLICE });
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes);

  /* Outlined masks need the neighbours' probabilities: read once, kept
   * when the masks are filled again. */
  cls_slice_style_set_mask_style (fixture.style, CLS_MASK_STYLE_OUTLINE);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes + 1);
  cls_slice_style_set_mask_style (fixture.style, CLS_MASK_STYLE_FILL);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  cls_slice_style_set_mask_style (fixture.style, CLS_MASK_STYLE_OUTLINE);
  cls_slice_style_set_cut (fixture.style, 0.5);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes + 1);
}

/* Another slice (as the wheel or Page Up gives it) is sampled again and
 * shows its own voxels; the cut still applies to them exactly. */
static void
test_new_slice_is_pass_one (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  guint passes;
  int rgb[3];

  if (!fixture_show (&fixture, TRUE))
    return;
  render (&fixture, &pixels);
  passes = cls_slice_view_get_n_voxel_passes (fixture.view);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_grey (&fixture, &pixels, LOW, 0.5);

  cls_slice_view_set_cursor (fixture.view, (gint64[]) { 12, 8, SLICE + 1 });
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes + 1);
  assert_block_grey (&fixture, &pixels, CERTAIN, 0.5);     /* p = 0.2 there */
  assert_block_color (&fixture, &pixels, LOW, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_grey (&fixture, &pixels, UNCERTAIN, 0.5);   /* nothing there */
  pixel_at (&fixture, &pixels, 20, 12, rgb);
  assert_rgb ("background", rgb, 0.5, 0.5, 0.5);

  /* Then a cut: pass 2 only, on the new slice. */
  cls_slice_style_set_cut (fixture.style, 0.1);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes + 1);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_CALIBRATED);

  /* And back: the first slice again. */
  cls_slice_view_set_cursor (fixture.view, (gint64[]) { 12, 8, SLICE });
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes + 2);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_FIXED);
  assert_block_color (&fixture, &pixels, LOW, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
}

/* Outlines at any cut, from what pass 1 kept of the neighbours. */
static void
test_outlines_follow_cut (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  double middle_j = blocks[CERTAIN].j0 + 1;
  guint passes;
  int rgb[3];

  if (!fixture_show (&fixture, TRUE))
    return;
  cls_slice_style_set_mask_style (fixture.style, CLS_MASK_STYLE_OUTLINE);
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_MASK_CALIBRATED);
  render (&fixture, &pixels);
  passes = cls_slice_view_get_n_voxel_passes (fixture.view);

  /* Cut 0.3f: the block at the cut is outlined, the one just below is not. */
  pixel_at (&fixture, &pixels, blocks[AT_CUT].i0 + 2.5, blocks[AT_CUT].j0 + 1, rgb);
  assert_color (&fixture, "at the cut, outlined", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  pixel_at (&fixture, &pixels, blocks[BELOW_CUT].i0 + 2.5, blocks[BELOW_CUT].j0 + 1, rgb);
  assert_rgb ("just below the cut, no outline", rgb, 0.5, 0.5, 0.5);

  /* The volume's side is an edge: nothing is in the mask beyond it. */
  pixel_at (&fixture, &pixels, NX - 0.5 - 0.04, blocks[EDGE].j0 + 1, rgb);
  assert_color (&fixture, "at the volume's side", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);

  /* Cut 0.5: the 0.4 block loses its outline, the 0.5 block keeps it. */
  cls_slice_style_set_cut (fixture.style, 0.5);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  pixel_at (&fixture, &pixels, blocks[UNCERTAIN].i0 + 2.5, blocks[UNCERTAIN].j0 + 1, rgb);
  assert_rgb ("0.4 below the cut, no outline", rgb, 0.5, 0.5, 0.5);
  pixel_at (&fixture, &pixels, blocks[HALF].i0 - 0.5, blocks[HALF].j0 + 1, rgb);
  assert_color (&fixture, "0.5 at the cut, outlined", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  pixel_at (&fixture, &pixels, blocks[CERTAIN].i0 + 2.5, middle_j, rgb);
  assert_color (&fixture, "0.9, outlined", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  /* Inside a block, between voxels of one mask: no line. */
  pixel_at (&fixture, &pixels, blocks[CERTAIN].i0 + 0.5, middle_j, rgb);
  assert_rgb ("inside the mask, no line", rgb, 0.5, 0.5, 0.5);

  /* Cut 0: every voxel is in the mask, so its outline is the volume's
   * border (outside, no voxel is in it, whatever the cut). */
  cls_slice_style_set_cut (fixture.style, 0.0);
  cls_slice_test_pixels_clear (&pixels);
  render (&fixture, &pixels);
  pixel_at (&fixture, &pixels, NX - 0.5 - 0.04, 12, rgb);
  assert_color (&fixture, "cut 0: the volume's border", rgb, CLS_OVERLAY_COLOR_MASK_CALIBRATED);
  pixel_at (&fixture, &pixels, 19.5, 12, rgb);
  assert_rgb ("cut 0: no line inside", rgb, 0.5, 0.5, 0.5);
  g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (fixture.view), ==, passes);
}

/* The coronal plane: the ground truth's outline between slices comes from
 * the label's neighbours along k (below and above, told apart). */
static void
test_coronal_outlines (void)
{
  static const gint64 cursor[3] = { 12, 2, SLICE };
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  int rgb[3];

  if (!fixture_show_plane (&fixture, TRUE, CLS_SLICE_PLANE_CORONAL, cursor))
    return;
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_GROUND_TRUTH | CLS_OVERLAY_MASK_FIXED);
  render (&fixture, &pixels);

  /* The certain lesion is a strip 3 voxels wide in slice 2: outlined on
   * the edges with slices 1 and 3, filled inside. */
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[CERTAIN].i0 + 1, 2, SLICE + 0.5 }, rgb);
  assert_color (&fixture, "truth outline towards k = 3", rgb, CLS_OVERLAY_COLOR_GROUND_TRUTH);
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[CERTAIN].i0 + 1, 2, SLICE - 0.5 }, rgb);
  assert_color (&fixture, "truth outline towards k = 1", rgb, CLS_OVERLAY_COLOR_GROUND_TRUTH);
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[CERTAIN].i0 + 1, 2, SLICE }, rgb);
  assert_color (&fixture, "inside the strip", rgb, CLS_OVERLAY_COLOR_MASK_FIXED);
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[CERTAIN].i0 + 1, 2, SLICE + 1 }, rgb);
  assert_rgb ("slice 3 above it", rgb, 0.5, 0.5, 0.5);

  /* The missed lesion goes on in slice 3: no edge between 2 and 3. */
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[MISSED].i0 + 1, 2, SLICE - 0.5 }, rgb);
  assert_color (&fixture, "truth outline below slice 2", rgb, CLS_OVERLAY_COLOR_GROUND_TRUTH);
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[MISSED].i0 + 1, 2, SLICE + 0.5 }, rgb);
  assert_rgb ("no outline within the lesion", rgb, 0.5, 0.5, 0.5);
  pixel_at_index (&fixture, &pixels, (double[]) { blocks[MISSED].i0 + 1, 2, SLICE + 1.5 }, rgb);
  assert_color (&fixture, "truth outline above slice 3", rgb, CLS_OVERLAY_COLOR_GROUND_TRUTH);
}

/* The heat map: viridis at the probability, over the image. */
static void
test_heat_map (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  int rgb[3];

  if (!fixture_show (&fixture, TRUE))
    return;
  cls_slice_style_set_overlays (fixture.style, CLS_OVERLAY_HEATMAP);
  render (&fixture, &pixels);

  /* p = 0.9: 60 % of the way from the fourth stop to the fifth. */
  block_pixel (&fixture, &pixels, CERTAIN, rgb);
  assert_rgb ("viridis (0.9)", rgb, 0.369 + 0.6 * (0.992 - 0.369), 0.788 + 0.6 * (0.906 - 0.788),
              0.384 + 0.6 * (0.145 - 0.384));
  /* p = 0: the image alone. */
  pixel_at (&fixture, &pixels, 20, 12, rgb);
  assert_rgb ("no probability", rgb, 0.5, 0.5, 0.5);
}

static void
test_probability_without_image (void)
{
  g_auto(Fixture) fixture = { 0 };
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  int rgb[3];

  if (!fixture_show (&fixture, FALSE))
    return;
  render (&fixture, &pixels);

  /* The probability map in grey: p = 0.2 is 0.2 grey, p = 0 black. */
  assert_block_grey (&fixture, &pixels, LOW, 0.2);
  pixel_at (&fixture, &pixels, 20, 12, rgb);
  assert_rgb ("background", rgb, 0, 0, 0);
  assert_block_color (&fixture, &pixels, CERTAIN, CLS_OVERLAY_COLOR_MASK_FIXED);
}

/* Widget and voxel coordinates invert each other, with zoom and without. */
static void
test_mapping (void)
{
  g_auto(Fixture) fixture = { 0 };
  gint64 cursor[3];
  double before[2], after[2];

  if (!fixture_show (&fixture, TRUE))
    return;

  for (double zoom = 1.0; zoom <= 4.0; zoom *= 2)
    {
      cls_slice_view_set_zoom (fixture.view, zoom);
      for (gint64 j = 0; j < NY; j += 5)
        for (gint64 i = 0; i < NX; i += 3)
          {
            double centre[3] = { (double) i, (double) j, SLICE };
            gint64 back[3];
            double x, y;

            g_assert_true (cls_slice_view_voxel_to_widget (fixture.view, centre, &x, &y));
            if (x < 0 || y < 0 || x >= gtk_widget_get_width (GTK_WIDGET (fixture.view)) ||
                y >= gtk_widget_get_height (GTK_WIDGET (fixture.view)))
              continue;
            g_assert_true (cls_slice_view_widget_to_voxel (fixture.view, x, y, back));
            g_assert_cmpint (back[0], ==, i);
            g_assert_cmpint (back[1], ==, j);
            g_assert_cmpint (back[2], ==, SLICE);
          }
    }

  /* Zooming keeps the cursor where it is on screen. */
  cls_slice_view_reset_view (fixture.view);
  cls_slice_view_get_cursor (fixture.view, cursor);
  {
    double at[3] = { (double) cursor[0], (double) cursor[1], (double) cursor[2] };

    cls_slice_view_voxel_to_widget (fixture.view, at, &before[0], &before[1]);
    cls_slice_view_set_zoom (fixture.view, 3.0);
    cls_slice_view_voxel_to_widget (fixture.view, at, &after[0], &after[1]);
  }
  g_assert_cmpfloat (fabs (after[0] - before[0]), <, 1e-6);
  g_assert_cmpfloat (fabs (after[1] - before[1]), <, 1e-6);
  g_assert_cmpfloat (cls_slice_view_get_zoom (fixture.view), ==, 3.0);
}

static void
test_too_large_for_textures (void)
{
  /* Longer than any GPU's 3D textures, and only 256 KiB. */
  static const gint64 dims[3] = { 65536, 1, 1 };
  g_autoptr(ClsVolume) prob = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, identity);
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  ClsSliceView *view;
  GtkWindow *window;

  if (!cls_slice_test_init_display ())
    return;

  volumes = cls_slice_volumes_new (NULL, prob, NULL, &error);
  g_assert_no_error (error);
  view = CLS_SLICE_VIEW (cls_slice_view_new (CLS_SLICE_PLANE_AXIAL));
  cls_slice_view_set_volumes (view, volumes);
  window = cls_slice_test_show (GTK_WIDGET (view), view, 200, 200);
  if (window == NULL)
    return;

  /* It draws nothing but says why. */
  texture = cls_slice_view_render_to_texture (view, &error);
  g_assert_no_error (error);
  cls_slice_test_settle ();
  g_assert_nonnull (cls_slice_view_get_message (view));
  g_assert_nonnull (strstr (cls_slice_view_get_message (view), "65536"));
  gtk_window_destroy (window);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_tri_planar (void)
{
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;
  const ClsVoxelReadout *readout;
  ClsTriPlanar *tri;
  GtkWindow *window;
  gint64 index[3] = { blocks[AT_CUT].i0 + 1, blocks[AT_CUT].j0 + 1, SLICE };
  gint64 cursor[3];

  if (!cls_slice_test_init_display ())
    return;

  volumes = make_case (TRUE);
  tri = CLS_TRI_PLANAR (cls_tri_planar_new ());
  cls_tri_planar_set_volumes (tri, volumes);
  window = cls_slice_test_show (GTK_WIDGET (tri), cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_AXIAL),
                                900, 400);
  if (window == NULL)
    return;

  /* The three views share one cursor and one style. */
  cls_tri_planar_set_cursor (tri, index);
  for (int p = 0; p < CLS_N_SLICE_PLANES; p++)
    {
      ClsSliceView *view = cls_tri_planar_get_view (tri, p);

      cls_slice_view_get_cursor (view, cursor);
      g_assert_cmpmem (cursor, sizeof cursor, index, sizeof index);
      g_assert_true (cls_slice_view_get_style (view) == cls_tri_planar_get_style (tri));
    }

  /* A cursor moved in one view moves the others. */
  {
    ClsSliceView *coronal = cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_CORONAL);
    gint64 moved[3] = { 3, 2, 1 };
    guint changes = 0;

    g_signal_connect_swapped (tri, "cursor-changed", G_CALLBACK (count_cb), &changes);
    cls_slice_view_set_cursor (coronal, moved);
    g_signal_emit_by_name (coronal, "cursor-moved");
    g_assert_cmpuint (changes, ==, 1);
    cls_tri_planar_get_cursor (tri, cursor);
    g_assert_cmpmem (cursor, sizeof cursor, moved, sizeof moved);
    cls_slice_view_get_cursor (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_SAGITTAL), cursor);
    g_assert_cmpmem (cursor, sizeof cursor, moved, sizeof moved);
    g_assert_cmpmem (cls_tri_planar_get_readout (tri)->index, sizeof moved, moved, sizeof moved);
    cls_tri_planar_set_cursor (tri, index);
  }

  /* The readout: exact values, the masks compared in double. */
  cls_tri_planar_set_cut (tri, (double) 0.3f);
  readout = cls_tri_planar_get_readout (tri);
  g_assert_nonnull (readout);
  g_assert_cmpmem (readout->index, sizeof readout->index, index, sizeof index);
  g_assert_cmpfloat (readout->probability, ==, (double) 0.3f);
  g_assert_false (readout->in_mask_fixed);
  g_assert_true (readout->in_mask_calibrated);
  g_assert_false (readout->missed);
  g_assert_cmpfloat (readout->position[0], ==, (double) index[0]);
  g_assert_nonnull (cls_tri_planar_get_readout_text (tri));

  cls_tri_planar_set_cut (tri, 0.31);
  readout = cls_tri_planar_get_readout (tri);
  g_assert_false (readout->in_mask_calibrated);

  /* The screenshot of the views, written atomically. */
  dir = cls_test_make_tmpdir ();
  path = g_build_filename (dir, "views.png", NULL);
  g_assert_true (cls_tri_planar_save_png (tri, path, &error));
  g_assert_no_error (error);
  saved = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), >, 300);
  g_assert_cmpint (gdk_texture_get_height (saved), >, 100);

  gtk_window_destroy (window);
  cls_test_rm_rf (dir);
}

static void
test_volumes_validation (void)
{
  static const gint64 dims[3] = { 4, 4, 4 };
  static const gint64 other_dims[3] = { 4, 4, 5 };
  g_autoptr(ClsVolume) prob = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, identity);
  g_autoptr(ClsVolume) label = cls_volume_new (other_dims, 1, CLS_DATATYPE_UINT8, identity);
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autoptr(GError) error = NULL;
  ClsVoxelReadout readout;
  gint64 outside[3] = { 4, 0, 0 };

  volumes = cls_slice_volumes_new (NULL, NULL, NULL, &error);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_assert_null (volumes);
  g_clear_error (&error);

  volumes = cls_slice_volumes_new (NULL, prob, label, &error);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_GRID_MISMATCH);
  g_assert_null (volumes);
  g_clear_error (&error);

  volumes = cls_slice_volumes_new (NULL, prob, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cls_slice_volumes_read_voxel (volumes, outside, 0.5, &readout));
  g_assert_cmpstr (cls_slice_volumes_get_orientation (volumes), ==, "RAS");
  g_assert_null (cls_slice_volumes_get_orientation_note (volumes));
}

static void
test_focus (void)
{
  g_autoptr(ClsSliceVolumes) volumes = make_case (TRUE);
  gint64 focus[3];

  /* The lesion voxel nearest the centroid of the three lesion blocks. */
  cls_slice_volumes_get_focus (volumes, focus);
  g_assert_cmpint (focus[2], ==, SLICE);
  g_assert_cmpint (focus[1], ==, 2);
  g_assert_cmpint (focus[0], ==, blocks[UNCERTAIN].i0 + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slice-view/volumes/validation", test_volumes_validation);
  g_test_add_func ("/slice-view/volumes/focus", test_focus);
  g_test_add_func ("/slice-view/masks/low-cut", test_masks_at_low_cut);
  g_test_add_func ("/slice-view/masks/high-cut", test_masks_at_high_cut);
  g_test_add_func ("/slice-view/masks/opacity-visibility", test_opacity_and_visibility);
  g_test_add_func ("/slice-view/masks/outlines", test_outlines);
  g_test_add_func ("/slice-view/masks/outlines-follow-cut", test_outlines_follow_cut);
  g_test_add_func ("/slice-view/masks/coronal-outlines", test_coronal_outlines);
  g_test_add_func ("/slice-view/masks/heat-map", test_heat_map);
  g_test_add_func ("/slice-view/passes/new-cut", test_new_cut_is_pass_two);
  g_test_add_func ("/slice-view/passes/new-slice", test_new_slice_is_pass_one);
  g_test_add_func ("/slice-view/no-image", test_probability_without_image);
  g_test_add_func ("/slice-view/mapping", test_mapping);
  g_test_add_func ("/slice-view/too-large", test_too_large_for_textures);
  g_test_add_func ("/slice-view/tri-planar", test_tri_planar);

  return g_test_run ();
}
