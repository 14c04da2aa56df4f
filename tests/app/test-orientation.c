/* test-orientation.c: anatomy on screen follows the affine
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Markers are placed in world coordinates (NIfTI RAS+: x to the patient's
 * right, y anterior, z superior), then stored through several affines. On
 * screen each marker must land on the same side whatever the affine: the
 * patient's left on the right in the radiological convention and on the
 * left in the neurological one, anterior up in the axial view, superior up
 * in the coronal and sagittal views, anterior on the left in the sagittal.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cls-slice-view.h"
#include "cls-tri-planar.h"
#include "cls-slice-test.h"

#define N 20
#define NZ 10

/* The markers' values; window level 500, width 1000 makes them white,
 * mid-grey and dark grey on black. */
#define LEFT_VALUE      1000
#define ANTERIOR_VALUE  500
#define SUPERIOR_VALUE  250

typedef struct {
  const char *name;
  double      affine[4][4];
} Geometry;

/* 1 x 1 x 2 mm voxels, the volume centred on the world origin. */
static const Geometry geometries[] = {
  { "RAS", { { 1, 0, 0, -9.5 }, { 0, 1, 0, -9.5 }, { 0, 0, 2, -9 }, { 0, 0, 0, 1 } } },
  { "x flipped (LAS)", { { -1, 0, 0, 9.5 }, { 0, 1, 0, -9.5 }, { 0, 0, 2, -9 }, { 0, 0, 0, 1 } } },
  { "LPS", { { -1, 0, 0, 9.5 }, { 0, -1, 0, 9.5 }, { 0, 0, 2, -9 }, { 0, 0, 0, 1 } } },
  { "i and j swapped (ARS)", { { 0, 1, 0, -9.5 }, { 1, 0, 0, -9.5 }, { 0, 0, 2, -9 }, { 0, 0, 0, 1 } } },
};

static double
marker_value (double x,
              double y,
              double z)
{
  if (x <= -5 && fabs (y) <= 2.5)
    return LEFT_VALUE;
  if (y >= 5 && fabs (x) <= 2.5)
    return ANTERIOR_VALUE;
  if (z >= 5 && fabs (x) <= 2.5 && fabs (y) <= 2.5)
    return SUPERIOR_VALUE;
  return 0;
}

static ClsSliceVolumes *
make_markers (const Geometry *geometry,
              gint64          centre[3])
{
  static const gint64 dims[3] = { N, N, NZ };
  g_autoptr(ClsVolume) image = cls_volume_new (dims, 1, CLS_DATATYPE_INT16, geometry->affine);
  gint16 *data = cls_volume_get_data (image);
  double best = G_MAXDOUBLE;
  g_autoptr(GError) error = NULL;
  ClsSliceVolumes *volumes;

  for (gint64 k = 0; k < dims[2]; k++)
    for (gint64 j = 0; j < dims[1]; j++)
      for (gint64 i = 0; i < dims[0]; i++)
        {
          const double (*a)[4] = geometry->affine;
          double x = a[0][0] * i + a[0][1] * j + a[0][2] * k + a[0][3];
          double y = a[1][0] * i + a[1][1] * j + a[1][2] * k + a[1][3];
          double z = a[2][0] * i + a[2][1] * j + a[2][2] * k + a[2][3];
          double d2 = x * x + y * y + z * z;

          data[i + dims[0] * (j + dims[1] * k)] = (gint16) marker_value (x, y, z);
          /* The voxel nearest the world origin (the first of the ties). */
          if (d2 < best)
            {
              best = d2;
              centre[0] = i;
              centre[1] = j;
              centre[2] = k;
            }
        }

  volumes = cls_slice_volumes_new (image, NULL, NULL, &error);
  g_assert_no_error (error);
  return volumes;
}

typedef struct {
  double x, y;   /* centroid, widget pixels */
  guint  count;
} Blob;

/* Centroids of the pixels of each marker's grey. */
static void
find_blobs (ClsSliceView *view,
            Blob         *left,
            Blob         *anterior,
            Blob         *superior,
            int          *width,
            int          *height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = cls_slice_view_render_to_texture (view, &error);
  g_auto(ClsSliceTestPixels) pixels = { 0 };

  g_assert_no_error (error);
  cls_slice_test_download (texture, &pixels);
  memset (left, 0, sizeof *left);
  memset (anterior, 0, sizeof *anterior);
  memset (superior, 0, sizeof *superior);

  for (int y = 0; y < pixels.height; y++)
    for (int x = 0; x < pixels.width; x++)
      {
        int rgb[3];
        Blob *blob = NULL;

        cls_slice_test_rgb (&pixels, x, y, rgb);
        if (rgb[0] > 230)
          blob = left;
        else if (rgb[0] > 100 && rgb[0] < 160)
          blob = anterior;
        else if (rgb[0] > 40 && rgb[0] < 90)
          blob = superior;
        if (blob != NULL)
          {
            blob->x += x + 0.5;
            blob->y += y + 0.5;
            blob->count++;
          }
      }

  for (Blob *b = left; b != NULL; b = b == left ? anterior : b == anterior ? superior : NULL)
    if (b->count > 0)
      {
        b->x /= b->count;
        b->y /= b->count;
      }
  *width = pixels.width;
  *height = pixels.height;
}

static void
check_letters (ClsSliceView *view,
               const char   *left,
               const char   *right,
               const char   *top,
               const char   *bottom)
{
  const char *l, *r, *t, *b;

  cls_slice_view_get_edge_labels (view, &l, &r, &t, &b);
  g_assert_cmpstr (l, ==, left);
  g_assert_cmpstr (r, ==, right);
  g_assert_cmpstr (t, ==, top);
  g_assert_cmpstr (b, ==, bottom);
}

static void
check_geometry (ClsTriPlanar       *tri,
                const Geometry     *geometry,
                ClsSliceConvention  convention)
{
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  ClsSliceStyle *style = cls_tri_planar_get_style (tri);
  gboolean radiological = convention == CLS_SLICE_CONVENTION_RADIOLOGICAL;
  gint64 centre[3];
  Blob left, anterior, superior;
  int width, height;

  g_test_message ("%s, %s", geometry->name, radiological ? "radiological" : "neurological");

  volumes = make_markers (geometry, centre);
  cls_tri_planar_set_volumes (tri, volumes);
  cls_tri_planar_set_cursor (tri, centre);
  cls_slice_style_set_convention (style, convention);
  cls_slice_style_set_overlays (style, CLS_OVERLAY_NONE);
  cls_slice_style_set_window (style, 1000, 500);

  /* Axial: left and right by the convention, anterior up. */
  find_blobs (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_AXIAL), &left, &anterior, &superior,
              &width, &height);
  g_assert_cmpuint (left.count, >, 0);
  g_assert_cmpuint (anterior.count, >, 0);
  g_assert_cmpuint (superior.count, ==, 0);
  if (radiological)
    g_assert_cmpfloat (left.x, >, width / 2.0 + 10);
  else
    g_assert_cmpfloat (left.x, <, width / 2.0 - 10);
  g_assert_cmpfloat (fabs (left.y - height / 2.0), <, 2);
  g_assert_cmpfloat (anterior.y, <, height / 2.0 - 10);
  g_assert_cmpfloat (fabs (anterior.x - width / 2.0), <, 2);

  /* Coronal: left and right by the convention, superior up. */
  find_blobs (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_CORONAL), &left, &anterior, &superior,
              &width, &height);
  g_assert_cmpuint (left.count, >, 0);
  g_assert_cmpuint (anterior.count, ==, 0);
  g_assert_cmpuint (superior.count, >, 0);
  if (radiological)
    g_assert_cmpfloat (left.x, >, width / 2.0 + 10);
  else
    g_assert_cmpfloat (left.x, <, width / 2.0 - 10);
  g_assert_cmpfloat (superior.y, <, height / 2.0 - 10);

  /* Sagittal: anterior on the left, superior up, in either convention. */
  find_blobs (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_SAGITTAL), &left, &anterior, &superior,
              &width, &height);
  g_assert_cmpuint (left.count, ==, 0);
  g_assert_cmpuint (anterior.count, >, 0);
  g_assert_cmpuint (superior.count, >, 0);
  g_assert_cmpfloat (anterior.x, <, width / 2.0 - 10);
  g_assert_cmpfloat (superior.y, <, height / 2.0 - 10);

  /* The other convention mirrors the picture without sampling the plane again. */
  {
    ClsSliceView *axial = cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_AXIAL);
    guint passes = cls_slice_view_get_n_voxel_passes (axial);

    cls_slice_style_set_convention (style, radiological ? CLS_SLICE_CONVENTION_NEUROLOGICAL
                                                        : CLS_SLICE_CONVENTION_RADIOLOGICAL);
    find_blobs (axial, &left, &anterior, &superior, &width, &height);
    g_assert_cmpuint (cls_slice_view_get_n_voxel_passes (axial), ==, passes);
    if (radiological)
      g_assert_cmpfloat (left.x, <, width / 2.0 - 10);
    else
      g_assert_cmpfloat (left.x, >, width / 2.0 + 10);
    cls_slice_style_set_convention (style, convention);
  }

  check_letters (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_AXIAL),
                 radiological ? "R" : "L", radiological ? "L" : "R", "A", "P");
  check_letters (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_CORONAL),
                 radiological ? "R" : "L", radiological ? "L" : "R", "S", "I");
  check_letters (cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_SAGITTAL), "A", "P", "S", "I");
}

static ClsTriPlanar *
show_tri_planar (GtkWindow **window)
{
  ClsTriPlanar *tri;

  if (!cls_slice_test_init_display ())
    return NULL;
  tri = CLS_TRI_PLANAR (cls_tri_planar_new ());
  *window = cls_slice_test_show (GTK_WIDGET (tri), cls_tri_planar_get_view (tri, CLS_SLICE_PLANE_AXIAL),
                                 960, 420);
  return *window != NULL ? tri : NULL;
}

static void
test_conventions (void)
{
  GtkWindow *window = NULL;
  ClsTriPlanar *tri = show_tri_planar (&window);

  if (tri == NULL)
    return;

  for (guint g = 0; g < G_N_ELEMENTS (geometries); g++)
    {
      check_geometry (tri, &geometries[g], CLS_SLICE_CONVENTION_RADIOLOGICAL);
      check_geometry (tri, &geometries[g], CLS_SLICE_CONVENTION_NEUROLOGICAL);
    }
  gtk_window_destroy (window);
}

/* 0.8 x 0.8 x 2.5 mm voxels are drawn true to scale, not squashed. */
static void
test_anisotropic_spacing (void)
{
  static const gint64 dims[3] = { 40, 40, 16 };
  static const double affine[4][4] = {
    { 0.8, 0, 0, 0 }, { 0, 0.8, 0, 0 }, { 0, 0, 2.5, 0 }, { 0, 0, 0, 1 },
  };
  static const struct {
    ClsSlicePlane plane;
    double        width_mm;
    double        height_mm;
  } expected[] = {
    { CLS_SLICE_PLANE_AXIAL, 32, 32 },
    { CLS_SLICE_PLANE_CORONAL, 32, 40 },
    { CLS_SLICE_PLANE_SAGITTAL, 32, 40 },
  };
  g_autoptr(ClsVolume) image = cls_volume_new (dims, 1, CLS_DATATYPE_INT16, affine);
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autoptr(GError) error = NULL;
  gint16 *data = cls_volume_get_data (image);
  GtkWindow *window = NULL;
  ClsTriPlanar *tri = show_tri_planar (&window);

  if (tri == NULL)
    return;

  for (guint64 v = 0; v < cls_volume_get_n_voxels (image); v++)
    data[v] = LEFT_VALUE;
  volumes = cls_slice_volumes_new (image, NULL, NULL, &error);
  g_assert_no_error (error);
  cls_tri_planar_set_volumes (tri, volumes);
  cls_slice_style_set_window (cls_tri_planar_get_style (tri), 1000, 500);
  cls_slice_style_set_overlays (cls_tri_planar_get_style (tri), CLS_OVERLAY_NONE);

  for (guint e = 0; e < G_N_ELEMENTS (expected); e++)
    {
      ClsSliceView *view = cls_tri_planar_get_view (tri, expected[e].plane);
      g_autoptr(GdkTexture) texture = cls_slice_view_render_to_texture (view, &error);
      g_auto(ClsSliceTestPixels) pixels = { 0 };
      int x0 = G_MAXINT, x1 = -1, y0 = G_MAXINT, y1 = -1;
      double px_per_mm;

      g_assert_no_error (error);
      cls_slice_test_download (texture, &pixels);
      for (int y = 0; y < pixels.height; y++)
        for (int x = 0; x < pixels.width; x++)
          {
            int rgb[3];

            cls_slice_test_rgb (&pixels, x, y, rgb);
            if (rgb[0] > 230)
              {
                x0 = MIN (x0, x);
                x1 = MAX (x1, x);
                y0 = MIN (y0, y);
                y1 = MAX (y1, y);
              }
          }

      /* One scale for all views: the largest extent (40 mm) fits. */
      px_per_mm = MIN (pixels.width, pixels.height) / 40.0;
      g_assert_cmpfloat (fabs ((x1 - x0 + 1) - expected[e].width_mm * px_per_mm), <=, 2);
      g_assert_cmpfloat (fabs ((y1 - y0 + 1) - expected[e].height_mm * px_per_mm), <=, 2);
    }
  gtk_window_destroy (window);
}

/* Oblique affines are shown along the nearest axes, and the user is told. */
static void
test_oblique_note (void)
{
  static const gint64 dims[3] = { 4, 4, 4 };
  double c = cos (10 * G_PI / 180), s = sin (10 * G_PI / 180);
  double oblique[4][4] = { { c, -s, 0, 0 }, { s, c, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
  double swapped[4][4] = { { s, -c, 0, 0 }, { c, s, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
  g_autoptr(ClsVolume) image = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, oblique);
  g_autoptr(ClsVolume) turned = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, swapped);
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autoptr(ClsSliceVolumes) turned_volumes = NULL;
  g_autoptr(GError) error = NULL;

  volumes = cls_slice_volumes_new (image, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cls_slice_volumes_get_orientation (volumes), ==, "RAS");
  g_assert_nonnull (cls_slice_volumes_get_orientation_note (volumes));
  g_assert_nonnull (strstr (cls_slice_volumes_get_orientation_note (volumes), "10.0"));

  /* Turned 80°: i runs mostly anterior, j mostly to the left. */
  turned_volumes = cls_slice_volumes_new (turned, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cls_slice_volumes_get_orientation (turned_volumes), ==, "ALS");
  g_assert_nonnull (cls_slice_volumes_get_orientation_note (turned_volumes));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/orientation/oblique-note", test_oblique_note);
  g_test_add_func ("/orientation/conventions", test_conventions);
  g_test_add_func ("/orientation/anisotropic-spacing", test_anisotropic_spacing);

  return g_test_run ();
}
