/* cls-slice-view.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <epoxy/gl.h>
#include <glib/gi18n.h>

#include "cls-slice-view.h"
#include "cls-slice-volumes-private.h"

#define RESOURCE_PATH       "/org/clsstudio/ClsStudio/shaders/"
#define ZOOM_MIN            0.25
#define ZOOM_MAX            64.0
#define ZOOM_STEP           1.15
#define CROSSHAIR_GAP_PX    8.0
#define LINE_HALF_WIDTH_PX  1.0

/* Enumerations
 * ------------ */

G_DEFINE_ENUM_TYPE (ClsSlicePlane, cls_slice_plane,
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_AXIAL, "axial"),
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_CORONAL, "coronal"),
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_SAGITTAL, "sagittal"))

/**
 * cls_slice_plane_get_label:
 * @plane: a #ClsSlicePlane
 *
 * Returns: the plane's name for the user ("Axial", ...)
 */
const char *
cls_slice_plane_get_label (ClsSlicePlane plane)
{
  switch (plane)
    {
    case CLS_SLICE_PLANE_AXIAL:
      return _("Axial");
    case CLS_SLICE_PLANE_CORONAL:
      return _("Coronal");
    case CLS_SLICE_PLANE_SAGITTAL:
      return _("Sagittal");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ClsSliceView
 * ------------ */

/* Pass 1 (slice-voxels.frag): the plane at voxel resolution, into the
 * voxel textures, only when the plane, the slice or the case changes (or
 * when masks are first outlined: only then are the neighbours' probabilities
 * read). Two programs: without the neighbours, with them. */
enum {
  V_IMAGE,
  V_PROB,
  V_LABEL,
  V_DIMS,
  V_CORNER,
  V_AXIS_H,
  V_AXIS_V,
  V_LABEL_BITS,
  V_SOURCES,
  N_VOXEL_UNIFORMS
};

static const char * const voxel_uniform_names[N_VOXEL_UNIFORMS] = {
  "u_image", "u_prob", "u_label", "u_dims", "u_corner", "u_axis_h", "u_axis_v", "u_label_bits",
  "u_sources",
};

/* Pass 2 (slice.frag): every frame, from the voxel textures. */
enum {
  U_VOXELS_A,
  U_VOXELS_B,
  U_SIZE,
  U_ORIGIN,
  U_STEP,
  U_PX_PER_VOXEL,
  U_CUT,
  U_OPACITY,
  U_WINDOW,
  U_LINE,
  U_COLOR_FIXED,
  U_COLOR_CALIBRATED,
  U_COLOR_TRUTH,
  U_COLOR_MISSED,
  U_BACKGROUND,
  U_CUT_A,
  U_CUT_B,
  U_COLOR_AGREEMENT,
  U_COLOR_ONLY_A,
  U_COLOR_ONLY_B,
  N_UNIFORMS
};

static const char * const uniform_names[N_UNIFORMS] = {
  "u_voxels_a", "u_voxels_b", "u_size", "u_origin", "u_step", "u_px_per_voxel", "u_cut",
  "u_opacity", "u_window", "u_line", "u_color_fixed", "u_color_calibrated", "u_color_truth",
  "u_color_missed", "u_background", "u_cut_a", "u_cut_b", "u_color_agreement", "u_color_only_a",
  "u_color_only_b",
};

/* The crosshair (slice-crosshair.frag), over pass 2. */
static const char * const crosshair_uniform_names[] = { "u_color" };

/* Pass 2 comes in variants: slice.frag compiled with only the code that a
 * picture needs (software OpenGL runs both sides of every branch). A
 * variant's key has a bit for each of its switches, in this order: the
 * volumes there are (ClsSliceSource bits), the overlays drawn by pass 2
 * (ClsOverlayFlags bits), the two-method overlay, outlined masks. */
static const char * const variant_switches[] = {
  "HAS_IMAGE", "HAS_PROB", "HAS_LABEL",
  "SHOW_FIXED", "SHOW_CALIBRATED", "SHOW_TRUTH", "SHOW_MISSED", "SHOW_HEATMAP",
  "SHOW_COMPARE", "MASK_OUTLINE",
};

#define VARIANT_OVERLAYS_SHIFT CLS_N_SLICE_SOURCES
#define VARIANT_OVERLAYS       (CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED | \
                                CLS_OVERLAY_GROUND_TRUTH | CLS_OVERLAY_MISSED | CLS_OVERLAY_HEATMAP)
#define VARIANT_COMPARE        (1u << (G_N_ELEMENTS (variant_switches) - 2))
#define VARIANT_OUTLINE        (1u << (G_N_ELEMENTS (variant_switches) - 1))

typedef struct {
  guint  key;
  GLuint program;
  GLint  uniforms[N_UNIFORMS];
} Variant;

/* Which uniform carries which colour. */
static const int color_uniforms[CLS_N_OVERLAY_COLORS] = {
  [CLS_OVERLAY_COLOR_MASK_FIXED]      = U_COLOR_FIXED,
  [CLS_OVERLAY_COLOR_MASK_CALIBRATED] = U_COLOR_CALIBRATED,
  [CLS_OVERLAY_COLOR_GROUND_TRUTH]    = U_COLOR_TRUTH,
  [CLS_OVERLAY_COLOR_MISSED]          = U_COLOR_MISSED,
  [CLS_OVERLAY_COLOR_CROSSHAIR]       = -1,   /* slice-crosshair.frag */
  [CLS_OVERLAY_COLOR_AGREEMENT]       = U_COLOR_AGREEMENT,
  [CLS_OVERLAY_COLOR_ONLY_A]          = U_COLOR_ONLY_A,
  [CLS_OVERLAY_COLOR_ONLY_B]          = U_COLOR_ONLY_B,
};

/* The two voxel textures (RGBA32UI: float32 bits, lesion bits): the
 * voxel's image value and probability, its neighbours' probabilities, and
 * whether it and its neighbours are lesion voxels. */
#define N_VOXEL_TEXTURES 2

/* The anatomical axes of each plane (0 = R, 1 = A, 2 = S): the one drawn
 * across, the one drawn up (towards A in the axial view, S in the others). */
static const struct {
  int world_h;
  int world_v;
} plane_axes[CLS_N_SLICE_PLANES] = {
  [CLS_SLICE_PLANE_AXIAL]    = { 0, 1 },
  [CLS_SLICE_PLANE_CORONAL]  = { 0, 2 },
  [CLS_SLICE_PLANE_SAGITTAL] = { 1, 2 },
};

/* Where a view is looking, in device pixels (y up, as in GL). */
typedef struct {
  int    axis_h, axis_v, axis_n;   /* voxel axes across, up, through */
  int    dir_h, dir_v;             /* +1: the index grows to the right / up */
  double spacing_h, spacing_v;     /* mm per voxel */
  double width, height;            /* device pixels */
  double px_per_mm;
  double center_h, center_v;       /* voxel coordinates at the centre */
  gint64 size_h, size_v;           /* voxels across, up */
  double pan_h, pan_v;             /* mm, right and up */
} Layout;

struct _ClsSliceView
{
  GtkGLArea        parent_instance;

  ClsSlicePlane    plane;
  ClsSliceStyle   *style;
  ClsSliceVolumes *volumes;
  gint64           cursor[3];
  double           zoom;
  double           pan[2];          /* mm, screen right and up */
  char            *message;

  GLuint           voxel_programs[2];
  GLint            voxel_uniforms[2][N_VOXEL_UNIFORMS];
  GArray          *variants;        /* of Variant, made as the style asks */
  GLuint           crosshair_program;
  GLint            crosshair_color;
  GLuint           vao;

  /* Pass 1's target, and what it holds: the plane through voxel
   * voxels_slice along voxels_axes[2], with its neighbours' probabilities
   * or not (valid while voxels_valid). */
  GLuint           voxel_framebuffer;
  GLuint           voxel_textures[N_VOXEL_TEXTURES];
  int              voxels_size[2];
  gboolean         voxels_valid;
  gboolean         voxels_neighbours;
  int              voxels_axes[3];
  gint64           voxels_slice;
  guint            n_voxel_passes;

  double           pointer[2];      /* last pointer position, widget coordinates */
  double           drag_pan[2];
  double           drag_window[2];
  double           scroll_steps;
};

G_DEFINE_FINAL_TYPE (ClsSliceView, cls_slice_view, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_PLANE,
  PROP_STYLE,
  PROP_VOLUMES,
  PROP_ZOOM,
  PROP_MESSAGE,
  N_PROPS
};

enum {
  CURSOR_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static int
screen_right_sign (ClsSliceView *self)
{
  /* Sagittal: anterior on the left. Axial and coronal: radiological puts
   * the patient's left (-R) on the right. */
  if (self->plane == CLS_SLICE_PLANE_SAGITTAL)
    return -1;
  return cls_slice_style_get_convention (self->style) == CLS_SLICE_CONVENTION_RADIOLOGICAL ? -1 : 1;
}

static gboolean
compute_layout (ClsSliceView *self,
                double        width,
                double        height,
                Layout       *layout)
{
  int world_h = plane_axes[self->plane].world_h;
  int world_v = plane_axes[self->plane].world_v;
  int world_n = 3 - world_h - world_v;
  int axis[3], sign[3];
  gint64 dims[3];
  double spacing[3];
  double extent = 0;

  if (self->volumes == NULL || !(width > 0) || !(height > 0))
    return FALSE;

  cls_slice_volumes_get_anatomical_axes (self->volumes, axis, sign);
  cls_slice_volumes_get_dims (self->volumes, dims);
  cls_slice_volumes_get_spacing (self->volumes, spacing);
  layout->axis_h = axis[world_h];
  layout->axis_v = axis[world_v];
  layout->axis_n = axis[world_n];
  layout->dir_h = sign[world_h] * screen_right_sign (self);
  layout->dir_v = sign[world_v];
  layout->spacing_h = spacing[layout->axis_h];
  layout->spacing_v = spacing[layout->axis_v];
  layout->width = width;
  layout->height = height;

  /* One scale for every plane: the whole volume's largest extent fits, so
   * that the three views of a tri-planar layout share millimetres. */
  for (int i = 0; i < 3; i++)
    extent = MAX (extent, (double) dims[i] * spacing[i]);
  layout->px_per_mm = self->zoom * MIN (width, height) / extent;
  layout->size_h = dims[layout->axis_h];
  layout->size_v = dims[layout->axis_v];
  layout->center_h = (double) (layout->size_h - 1) / 2.0;
  layout->center_v = (double) (layout->size_v - 1) / 2.0;
  layout->pan_h = self->pan[0];
  layout->pan_v = self->pan[1];
  return TRUE;
}

/* Device pixel (y up) to continuous voxel coordinates in the plane. */
static void
layout_to_voxel (const Layout *l,
                 double        x,
                 double        y,
                 double       *h,
                 double       *v)
{
  *h = l->center_h + l->dir_h * ((x - l->width / 2) / l->px_per_mm + l->pan_h) / l->spacing_h;
  *v = l->center_v + l->dir_v * ((y - l->height / 2) / l->px_per_mm + l->pan_v) / l->spacing_v;
}

static void
layout_from_voxel (const Layout *l,
                   double        h,
                   double        v,
                   double       *x,
                   double       *y)
{
  *x = l->width / 2 + (l->dir_h * (h - l->center_h) * l->spacing_h - l->pan_h) * l->px_per_mm;
  *y = l->height / 2 + (l->dir_v * (v - l->center_v) * l->spacing_v - l->pan_v) * l->px_per_mm;
}

static gboolean
widget_layout (ClsSliceView *self,
               Layout       *layout)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  return compute_layout (self,
                         (double) gtk_widget_get_width (GTK_WIDGET (self)) * scale,
                         (double) gtk_widget_get_height (GTK_WIDGET (self)) * scale,
                         layout);
}

static void
set_message (ClsSliceView *self,
             const char   *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

typedef struct {
  ClsSliceView *view;
  char         *message;
} MessageLater;

static void
message_later_cb (gpointer data)
{
  MessageLater *later = data;

  set_message (later->view, later->message);
  g_object_unref (later->view);
  g_free (later->message);
  g_free (later);
}

/* Drawing happens inside a snapshot, where widgets must not change: say it
 * on the next idle. */
static void
set_message_later (ClsSliceView *self,
                   const char   *message)
{
  MessageLater *later;

  if (g_strcmp0 (self->message, message) == 0)
    return;
  later = g_new0 (MessageLater, 1);
  later->view = g_object_ref (self);
  later->message = g_strdup (message);
  g_idle_add_once (message_later_cb, later);
}

static GLuint
compile_shader (GLenum        kind,
                const char   *name,
                gboolean      use_es,
                const char   *defines,
                GError      **error)
{
  static const char gl_header[] = "#version 330 core\n";
  static const char es_header[] =
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler3D;\n"
    "precision highp usampler3D;\n"
    "precision highp usampler2D;\n";
  g_autofree char *path = g_strconcat (RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) source = NULL;
  const char *sources[3];
  GLint lengths[3];
  GLuint shader;
  GLint status = GL_FALSE;
  gsize size;

  source = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (source == NULL)
    return 0;

  sources[0] = use_es ? es_header : gl_header;
  lengths[0] = (GLint) strlen (sources[0]);
  sources[1] = defines;
  lengths[1] = (GLint) strlen (defines);
  sources[2] = g_bytes_get_data (source, &size);
  lengths[2] = (GLint) size;

  shader = glCreateShader (kind);
  glShaderSource (shader, 3, sources, lengths);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &status);
  if (status != GL_TRUE)
    {
      GLint log_length = 0;
      g_autofree char *log = NULL;

      glGetShaderiv (shader, GL_INFO_LOG_LENGTH, &log_length);
      log = g_malloc0 (MAX (log_length, 1));
      glGetShaderInfoLog (shader, log_length, NULL, log);
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_COMPILATION_FAILED,
                   _("Could not compile the shader %s: %s"), path, log);
      glDeleteShader (shader);
      return 0;
    }

  return shader;
}

/* slice.vert with @fragment_name (after @defines), linked; its uniforms'
 * locations. */
static GLuint
link_program (gboolean             use_es,
              const char          *fragment_name,
              const char          *defines,
              const char * const  *names,
              int                  n_names,
              GLint               *locations,
              GError             **error)
{
  GLuint vertex, fragment, program;
  GLint status = GL_FALSE;

  vertex = compile_shader (GL_VERTEX_SHADER, "slice.vert", use_es, "", error);
  if (vertex == 0)
    return 0;
  fragment = compile_shader (GL_FRAGMENT_SHADER, fragment_name, use_es, defines, error);
  if (fragment == 0)
    {
      glDeleteShader (vertex);
      return 0;
    }

  program = glCreateProgram ();
  glAttachShader (program, vertex);
  glAttachShader (program, fragment);
  glLinkProgram (program);
  glDetachShader (program, vertex);
  glDetachShader (program, fragment);
  glDeleteShader (vertex);
  glDeleteShader (fragment);

  glGetProgramiv (program, GL_LINK_STATUS, &status);
  if (status != GL_TRUE)
    {
      GLint log_length = 0;
      g_autofree char *log = NULL;

      glGetProgramiv (program, GL_INFO_LOG_LENGTH, &log_length);
      log = g_malloc0 (MAX (log_length, 1));
      glGetProgramInfoLog (program, log_length, NULL, log);
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_LINK_FAILED,
                   _("Could not link the slice shaders (%s): %s"), fragment_name, log);
      glDeleteProgram (program);
      return 0;
    }

  for (int u = 0; u < n_names; u++)
    locations[u] = glGetUniformLocation (program, names[u]);
  return program;
}

/* The variant of pass 2 that draws what the style asks for the volumes. */
static guint
variant_key (ClsSliceView *self)
{
  guint key = self->volumes != NULL ? cls_slice_volumes_get_sources (self->volumes) : 0;
  ClsOverlayFlags overlays = cls_slice_style_get_overlays (self->style);

  /* The two methods' masks take the place of the 0.5 and calibrated ones. */
  if (overlays & CLS_OVERLAY_COMPARE)
    {
      overlays &= ~(CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED | CLS_OVERLAY_MISSED);
      key |= VARIANT_COMPARE;
    }
  key |= (guint) (overlays & VARIANT_OVERLAYS) << VARIANT_OVERLAYS_SHIFT;
  if (cls_slice_style_get_mask_style (self->style) == CLS_MASK_STYLE_OUTLINE)
    key |= VARIANT_OUTLINE;
  return key;
}

/* The program of the variant @key, linked the first time it is asked for. */
static const Variant *
ensure_variant (ClsSliceView  *self,
                guint          key,
                GError       **error)
{
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  g_autoptr(GString) defines = g_string_new (NULL);
  Variant variant = { key, 0, { 0 } };

  for (guint v = 0; v < self->variants->len; v++)
    if (g_array_index (self->variants, Variant, v).key == key)
      return &g_array_index (self->variants, Variant, v);

  for (guint b = 0; b < G_N_ELEMENTS (variant_switches); b++)
    g_string_append_printf (defines, "#define %s %d\n", variant_switches[b], (key >> b) & 1);
  variant.program = link_program (gdk_gl_context_get_use_es (context), "slice.frag", defines->str,
                                  uniform_names, N_UNIFORMS, variant.uniforms, error);
  if (variant.program == 0)
    return NULL;

  glUseProgram (variant.program);
  glUniform1i (variant.uniforms[U_VOXELS_A], 0);
  glUniform1i (variant.uniforms[U_VOXELS_B], 1);
  glUseProgram (0);
  g_debug ("%s view: pass 2 variant 0x%x linked", cls_slice_plane_get_label (self->plane), key);

  g_array_append_val (self->variants, variant);
  return &g_array_index (self->variants, Variant, self->variants->len - 1);
}

/* The programs of pass 1, one variant of pass 2 (all volumes, every
 * overlay, outlined: the largest, so that the shaders are known to build),
 * the crosshair's program, the framebuffer of pass 1 and its two textures
 * (their storage comes with the first plane), a vertex array. */
static gboolean
make_gl_resources (ClsSliceView  *self,
                   GError       **error)
{
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  gboolean use_es = gdk_gl_context_get_use_es (context);

  for (int n = 0; n < 2; n++)
    {
      const GLint *uniforms = self->voxel_uniforms[n];

      self->voxel_programs[n] = link_program (use_es, "slice-voxels.frag",
                                              n ? "#define NEIGHBOURS 1\n" : "#define NEIGHBOURS 0\n",
                                              voxel_uniform_names, N_VOXEL_UNIFORMS,
                                              self->voxel_uniforms[n], error);
      if (self->voxel_programs[n] == 0)
        return FALSE;
      glUseProgram (self->voxel_programs[n]);
      glUniform1i (uniforms[V_IMAGE], CLS_SLICE_SOURCE_IMAGE);
      glUniform1i (uniforms[V_PROB], CLS_SLICE_SOURCE_PROB);
      glUniform1i (uniforms[V_LABEL], CLS_SLICE_SOURCE_LABEL);
    }
  glUseProgram (0);

  if (ensure_variant (self, (1u << G_N_ELEMENTS (variant_switches)) - 1, error) == NULL)
    return FALSE;

  self->crosshair_program = link_program (use_es, "slice-crosshair.frag", "", crosshair_uniform_names,
                                          1, &self->crosshair_color, error);
  if (self->crosshair_program == 0)
    return FALSE;

  glGenVertexArrays (1, &self->vao);
  glGenFramebuffers (1, &self->voxel_framebuffer);
  glGenTextures (N_VOXEL_TEXTURES, self->voxel_textures);
  for (int t = 0; t < N_VOXEL_TEXTURES; t++)
    {
      glBindTexture (GL_TEXTURE_2D, self->voxel_textures[t]);
      cls_slice_texture_texels_only (GL_TEXTURE_2D);
    }
  glBindTexture (GL_TEXTURE_2D, 0);
  self->voxels_size[0] = self->voxels_size[1] = 0;
  self->voxels_valid = FALSE;

  return cls_slice_check_gl (_("the slice view"), error);
}

static void
free_gl_resources (ClsSliceView *self)
{
  for (guint v = 0; v < self->variants->len; v++)
    glDeleteProgram (g_array_index (self->variants, Variant, v).program);
  if (self->voxel_framebuffer != 0)
    glDeleteFramebuffers (1, &self->voxel_framebuffer);
  if (self->voxel_textures[0] != 0)
    glDeleteTextures (N_VOXEL_TEXTURES, self->voxel_textures);
  if (self->vao != 0)
    glDeleteVertexArrays (1, &self->vao);
  for (int n = 0; n < 2; n++)
    if (self->voxel_programs[n] != 0)
      glDeleteProgram (self->voxel_programs[n]);
  if (self->crosshair_program != 0)
    glDeleteProgram (self->crosshair_program);
}

static void
forget_gl_resources (ClsSliceView *self)
{
  self->voxel_framebuffer = 0;
  memset (self->voxel_textures, 0, sizeof self->voxel_textures);
  self->vao = 0;
  g_array_set_size (self->variants, 0);
  memset (self->voxel_programs, 0, sizeof self->voxel_programs);
  self->crosshair_program = 0;
  self->voxels_size[0] = self->voxels_size[1] = 0;
  self->voxels_valid = FALSE;
}

/* GL 3.3 core where there is one, else GLES 3.0: the shaders need 3D
 * textures, integer textures and texelFetch. */
static GdkGLContext *
cls_slice_view_create_context (GtkGLArea *area)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (GTK_WIDGET (area)));
  g_autoptr(GError) error = NULL;
  struct {
    GdkGLAPI api;
    int      major;
    int      minor;
  } wanted[] = {
    { GDK_GL_API_GL, 3, 3 },
    { GDK_GL_API_GLES, 3, 0 },
  };

  gtk_gl_area_get_required_version (area, &wanted[0].major, &wanted[0].minor);

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      g_autoptr(GdkGLContext) context = NULL;

      g_clear_error (&error);
      context = gdk_surface_create_gl_context (surface, &error);
      if (context == NULL)
        break;
      gdk_gl_context_set_allowed_apis (context, wanted[i].api);
      gdk_gl_context_set_required_version (context, wanted[i].major, wanted[i].minor);
      if (gdk_gl_context_realize (context, &error))
        return g_steal_pointer (&context);
    }

  gtk_gl_area_set_error (area, error);
  return NULL;
}

static void
cls_slice_view_realize (GtkWidget *widget)
{
  ClsSliceView *self = CLS_SLICE_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);
  g_autoptr(GError) error = NULL;

  GTK_WIDGET_CLASS (cls_slice_view_parent_class)->realize (widget);

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      set_message (self, gtk_gl_area_get_error (area)->message);
      return;
    }

  {
    GdkGLContext *context = gtk_gl_area_get_context (area);
    int major, minor;

    gdk_gl_context_get_version (context, &major, &minor);
    g_debug ("%s view: OpenGL%s %d.%d", cls_slice_plane_get_label (self->plane),
             gdk_gl_context_get_use_es (context) ? " ES" : "", major, minor);
  }

  if (!make_gl_resources (self, &error))
    {
      free_gl_resources (self);
      forget_gl_resources (self);
      set_message (self, error->message);
      gtk_gl_area_set_error (area, error);
    }
}

static void
cls_slice_view_unrealize (GtkWidget *widget)
{
  ClsSliceView *self = CLS_SLICE_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) == NULL)
    free_gl_resources (self);
  forget_gl_resources (self);

  GTK_WIDGET_CLASS (cls_slice_view_parent_class)->unrealize (widget);
}

/* The nearest float: exact for a float32 map's cut (see
 * cls_slice_style_set_cut()); beyond the float range, an infinity, so that
 * a cut above every probability still leaves the mask empty. */
static float
cut_to_float (double cut)
{
  if (cut > FLT_MAX)
    return INFINITY;
  if (cut < -FLT_MAX)
    return -INFINITY;
  return (float) cut;
}

/* Makes room in the voxel textures for a plane of @width x @height voxels. */
static gboolean
size_voxel_textures (ClsSliceView  *self,
                     int            width,
                     int            height,
                     GError       **error)
{
  static const GLenum attachments[N_VOXEL_TEXTURES] = { GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1 };
  GLint max_size = 0;
  GLenum status;

  if (self->voxels_size[0] == width && self->voxels_size[1] == height)
    return TRUE;

  glGetIntegerv (GL_MAX_TEXTURE_SIZE, &max_size);
  if (width > max_size || height > max_size)
    {
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                   _("The slice (%d × %d voxels) is larger than this GPU’s textures (%d per side)"),
                   width, height, (int) max_size);
      return FALSE;
    }

  self->voxels_size[0] = self->voxels_size[1] = 0;
  glBindFramebuffer (GL_FRAMEBUFFER, self->voxel_framebuffer);
  for (int t = 0; t < N_VOXEL_TEXTURES; t++)
    {
      glBindTexture (GL_TEXTURE_2D, self->voxel_textures[t]);
      glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA32UI, width, height, 0, GL_RGBA_INTEGER,
                    GL_UNSIGNED_INT, NULL);
      glFramebufferTexture2D (GL_FRAMEBUFFER, attachments[t], GL_TEXTURE_2D,
                              self->voxel_textures[t], 0);
    }
  glBindTexture (GL_TEXTURE_2D, 0);
  glDrawBuffers (N_VOXEL_TEXTURES, attachments);
  if (!cls_slice_check_gl (_("the slice textures"), error))
    return FALSE;

  status = glCheckFramebufferStatus (GL_FRAMEBUFFER);
  if (status != GL_FRAMEBUFFER_COMPLETE)
    {
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                   _("Could not draw into the slice textures (framebuffer status 0x%x)"), status);
      return FALSE;
    }
  self->voxels_size[0] = width;
  self->voxels_size[1] = height;
  return TRUE;
}

static void
bind_textures (GLenum        target,
               const GLuint *textures,
               int           n)
{
  for (int t = n - 1; t >= 0; t--)
    {
      glActiveTexture (GL_TEXTURE0 + t);
      glBindTexture (target, textures != NULL ? textures[t] : 0);
    }
}

/* Whether the variant @key of pass 2 reads the neighbours' probabilities. */
static gboolean
variant_needs_neighbours (guint key)
{
  guint masks = (CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED) << VARIANT_OVERLAYS_SHIFT;

  return (key & VARIANT_OUTLINE) != 0 && (key & masks) != 0 && (key & (1u << CLS_SLICE_SOURCE_PROB)) != 0;
}

/* Pass 1, when the plane shown is not the one in the voxel textures (or
 * lacks the @neighbours' probabilities): the plane through the cursor at
 * voxel resolution, from the 3D textures. Leaves the voxel framebuffer
 * bound. */
static gboolean
update_voxels (ClsSliceView  *self,
               const Layout  *l,
               gboolean       neighbours,
               GError       **error)
{
  const GLint *uniforms = self->voxel_uniforms[neighbours];
  GLuint volume_textures[CLS_N_SLICE_SOURCES];
  int corner[3] = { 0, 0, 0 };
  int axis_h[3] = { 0, 0, 0 };
  int axis_v[3] = { 0, 0, 0 };
  gint64 dims[3];

  if (self->voxels_valid && self->voxels_slice == self->cursor[l->axis_n] &&
      self->voxels_axes[0] == l->axis_h && self->voxels_axes[1] == l->axis_v &&
      self->voxels_axes[2] == l->axis_n && (self->voxels_neighbours || !neighbours))
    return TRUE;

  self->voxels_valid = FALSE;
  cls_slice_volumes_get_dims (self->volumes, dims);
  if (!size_voxel_textures (self, (int) dims[l->axis_h], (int) dims[l->axis_v], error))
    return FALSE;

  corner[l->axis_n] = (int) self->cursor[l->axis_n];
  axis_h[l->axis_h] = 1;
  axis_v[l->axis_v] = 1;
  for (int t = 0; t < CLS_N_SLICE_SOURCES; t++)
    volume_textures[t] = cls_slice_volumes_get_texture (self->volumes, t);

  glBindFramebuffer (GL_FRAMEBUFFER, self->voxel_framebuffer);
  glViewport (0, 0, self->voxels_size[0], self->voxels_size[1]);
  glUseProgram (self->voxel_programs[neighbours]);
  glUniform3i (uniforms[V_DIMS], (GLint) dims[0], (GLint) dims[1], (GLint) dims[2]);
  glUniform3iv (uniforms[V_CORNER], 1, corner);
  glUniform3iv (uniforms[V_AXIS_H], 1, axis_h);
  glUniform3iv (uniforms[V_AXIS_V], 1, axis_v);
  /* The label texture's bits: 1 + 2a for the neighbour at +a along voxel axis a, 2 + 2a at -a. */
  glUniform4i (uniforms[V_LABEL_BITS], 1 + 2 * l->axis_h, 2 + 2 * l->axis_h,
               1 + 2 * l->axis_v, 2 + 2 * l->axis_v);
  glUniform1i (uniforms[V_SOURCES], (GLint) cls_slice_volumes_get_sources (self->volumes));
  bind_textures (GL_TEXTURE_3D, volume_textures, CLS_N_SLICE_SOURCES);
  glDrawArrays (GL_TRIANGLES, 0, 3);
  bind_textures (GL_TEXTURE_3D, NULL, CLS_N_SLICE_SOURCES);
  if (!cls_slice_check_gl (_("the slice textures"), error))
    return FALSE;

  self->voxels_valid = TRUE;
  self->voxels_neighbours = neighbours;
  self->voxels_axes[0] = l->axis_h;
  self->voxels_axes[1] = l->axis_v;
  self->voxels_axes[2] = l->axis_n;
  self->voxels_slice = self->cursor[l->axis_n];
  self->n_voxel_passes++;
  return TRUE;
}

/* Pass 2's uniforms: where the plane is on screen, and the style. */
static void
set_uniforms (ClsSliceView  *self,
              const Variant *variant,
              const Layout  *l,
              int            scale)
{
  const GLint *uniforms = variant->uniforms;
  ClsSliceStyle *style = self->style;
  double origin_h, origin_v;
  double window_width, window_level;
  GdkRGBA color;

  /* voxel (h, v) = origin + step * (X, Y) at device pixel (X, Y) */
  layout_to_voxel (l, 0, 0, &origin_h, &origin_v);
  cls_slice_style_get_window (style, &window_width, &window_level);

  glUniform2i (uniforms[U_SIZE], self->voxels_size[0], self->voxels_size[1]);
  glUniform2f (uniforms[U_ORIGIN], (float) origin_h, (float) origin_v);
  glUniform2f (uniforms[U_STEP], (float) (l->dir_h / (l->px_per_mm * l->spacing_h)),
               (float) (l->dir_v / (l->px_per_mm * l->spacing_v)));
  glUniform2f (uniforms[U_PX_PER_VOXEL], (float) (l->px_per_mm * l->spacing_h),
               (float) (l->px_per_mm * l->spacing_v));
  glUniform1f (uniforms[U_CUT], cut_to_float (cls_slice_style_get_cut (style)));
  {
    double cut_a, cut_b;

    cls_slice_style_get_compare_cuts (style, &cut_a, &cut_b);
    glUniform1f (uniforms[U_CUT_A], cut_to_float (cut_a));
    glUniform1f (uniforms[U_CUT_B], cut_to_float (cut_b));
  }
  glUniform1f (uniforms[U_OPACITY], (float) cls_slice_style_get_opacity (style));
  glUniform2f (uniforms[U_WINDOW], (float) (window_level - window_width / 2),
               (float) (1.0 / window_width));
  glUniform1f (uniforms[U_LINE], (float) (LINE_HALF_WIDTH_PX * scale));
  for (int c = 0; c < CLS_N_OVERLAY_COLORS; c++)
    if (color_uniforms[c] >= 0)
      {
        cls_slice_style_get_color (style, c, &color);
        glUniform4f (uniforms[color_uniforms[c]], color.red, color.green, color.blue, color.alpha);
      }
  glUniform4f (uniforms[U_BACKGROUND], 0, 0, 0, 1);
}

/* The device pixels (x, y, width, height) where pass 2 may draw: those
 * of the plane, a pixel more on each side (the shader decides the edge),
 * within the viewport. */
static gboolean
plane_scissor (const Layout *l,
               int           rect[4])
{
  double x[2], y[2];

  layout_from_voxel (l, -0.5, -0.5, &x[0], &y[0]);
  layout_from_voxel (l, (double) l->size_h - 0.5, (double) l->size_v - 0.5, &x[1], &y[1]);
  rect[0] = (int) CLAMP (floor (MIN (x[0], x[1])) - 1, 0, l->width);
  rect[1] = (int) CLAMP (floor (MIN (y[0], y[1])) - 1, 0, l->height);
  rect[2] = (int) CLAMP (ceil (MAX (x[0], x[1])) + 1, 0, l->width) - rect[0];
  rect[3] = (int) CLAMP (ceil (MAX (y[0], y[1])) + 1, 0, l->height) - rect[1];
  return rect[2] > 0 && rect[3] > 0;
}

/* The crosshair over pass 2: the pixel column and row through the cursor,
 * but for a gap around it, blended in with the colour's alpha (the
 * framebuffer's alpha kept). Scissor rectangles: only their pixels run. */
static void
draw_crosshair (ClsSliceView *self,
                const Layout *l,
                int           scale)
{
  int gap = (int) (CROSSHAIR_GAP_PX * scale);
  int width = (int) l->width, height = (int) l->height;
  double cross_x, cross_y;
  int x, y;
  GdkRGBA color;

  layout_from_voxel (l, (double) self->cursor[l->axis_h], (double) self->cursor[l->axis_v],
                     &cross_x, &cross_y);
  if (!(fabs (cross_x) < G_MAXINT / 2 && fabs (cross_y) < G_MAXINT / 2))
    return;
  x = (int) floor (cross_x);
  y = (int) floor (cross_y);

  {
    const int lines[4][4] = {
      { x, 0, 1, y - gap + 1 },               /* below */
      { x, y + gap, 1, height - y - gap },    /* above */
      { 0, y, x - gap + 1, 1 },               /* left */
      { x + gap, y, width - x - gap, 1 },     /* right */
    };

    cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_CROSSHAIR, &color);
    glUseProgram (self->crosshair_program);
    glUniform4f (self->crosshair_color, color.red, color.green, color.blue, color.alpha);
    glEnable (GL_BLEND);
    glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
    glEnable (GL_SCISSOR_TEST);
    for (int i = 0; i < 4; i++)
      {
        int x0 = MAX (lines[i][0], 0), y0 = MAX (lines[i][1], 0);
        int x1 = MIN (lines[i][0] + lines[i][2], width), y1 = MIN (lines[i][1] + lines[i][3], height);

        if (x1 <= x0 || y1 <= y0)
          continue;
        glScissor (x0, y0, x1 - x0, y1 - y0);
        glDrawArrays (GL_TRIANGLES, 0, 3);
      }
    glDisable (GL_SCISSOR_TEST);
    glDisable (GL_BLEND);
  }
}

/* Draws into @framebuffer (never assumed to be 0) of @width x @height
 * device pixels, @scale device pixels per widget unit. Pass 1 runs only
 * for a new plane, slice or case (and when masks are first outlined); a
 * new cut, colour, window, convention, zoom, pan or cursor within the plane
 * only changes pass 2's uniforms (or its variant). */
static void
draw (ClsSliceView *self,
      GLuint        framebuffer,
      int           width,
      int           height,
      int           scale)
{
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  g_autoptr(GError) error = NULL;
  const Variant *variant = NULL;
  int rect[4];
  Layout l;

  glDisable (GL_BLEND);
  glDisable (GL_DEPTH_TEST);
  glDisable (GL_SCISSOR_TEST);
  glBindVertexArray (self->vao);

  if (self->voxel_programs[0] != 0 && compute_layout (self, width, height, &l))
    {
      guint key = variant_key (self);

      if (cls_slice_volumes_ensure_textures (self->volumes, context, &error) &&
          update_voxels (self, &l, variant_needs_neighbours (key), &error))
        variant = ensure_variant (self, key, &error);
      set_message_later (self, variant != NULL ? NULL : error->message);
    }

  glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
  glViewport (0, 0, width, height);
  glClearColor (0, 0, 0, 1);
  glClear (GL_COLOR_BUFFER_BIT);

  if (variant != NULL && plane_scissor (&l, rect))
    {
      glUseProgram (variant->program);
      set_uniforms (self, variant, &l, scale);
      bind_textures (GL_TEXTURE_2D, self->voxel_textures, N_VOXEL_TEXTURES);
      glEnable (GL_SCISSOR_TEST);
      glScissor (rect[0], rect[1], rect[2], rect[3]);
      glDrawArrays (GL_TRIANGLES, 0, 3);
      glDisable (GL_SCISSOR_TEST);
      bind_textures (GL_TEXTURE_2D, NULL, N_VOXEL_TEXTURES);
    }
  if (variant != NULL && (cls_slice_style_get_overlays (self->style) & CLS_OVERLAY_CROSSHAIR) != 0)
    draw_crosshair (self, &l, scale);

  glUseProgram (0);
  glBindVertexArray (0);
}

static gboolean
cls_slice_view_render (GtkGLArea    *area,
                       GdkGLContext *context)
{
  ClsSliceView *self = CLS_SLICE_VIEW (area);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  GLint framebuffer = 0;

  /* GtkGLArea draws into a framebuffer of its own: keep to it. */
  glGetIntegerv (GL_FRAMEBUFFER_BINDING, &framebuffer);
  draw (self, (GLuint) framebuffer, gtk_widget_get_width (GTK_WIDGET (area)) * scale,
        gtk_widget_get_height (GTK_WIDGET (area)) * scale, scale);
  return TRUE;
}

static void
queue_render (ClsSliceView *self)
{
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

/* Interaction
 * ----------- */

static void
clamp_index (ClsSliceView *self,
             gint64        index[3])
{
  gint64 dims[3];

  cls_slice_volumes_get_dims (self->volumes, dims);
  for (int i = 0; i < 3; i++)
    index[i] = CLAMP (index[i], 0, dims[i] - 1);
}

static void
move_cursor (ClsSliceView *self,
             const gint64  index[3])
{
  gint64 clamped[3];

  if (self->volumes == NULL)
    return;
  memcpy (clamped, index, sizeof clamped);
  clamp_index (self, clamped);
  if (memcmp (clamped, self->cursor, sizeof clamped) == 0)
    return;
  memcpy (self->cursor, clamped, sizeof clamped);
  queue_render (self);
  g_signal_emit (self, signals[CURSOR_MOVED], 0);
}

static void
move_cursor_by (ClsSliceView *self,
                int           d_h,
                int           d_v,
                int           d_n)
{
  Layout l;
  gint64 index[3];

  if (!widget_layout (self, &l))
    return;
  memcpy (index, self->cursor, sizeof index);
  index[l.axis_h] += d_h;
  index[l.axis_v] += d_v;
  index[l.axis_n] += d_n;
  move_cursor (self, index);
}

/* One slice towards R, A or S (the plane's normal axis). */
static void
change_slice (ClsSliceView *self,
              int           steps)
{
  int world_n = 3 - plane_axes[self->plane].world_h - plane_axes[self->plane].world_v;
  int axis[3], sign[3];

  if (self->volumes == NULL)
    return;
  cls_slice_volumes_get_anatomical_axes (self->volumes, axis, sign);
  move_cursor_by (self, 0, 0, steps * sign[world_n]);
}

static void
cursor_to_pointer (ClsSliceView *self,
                   double        x,
                   double        y)
{
  gint64 index[3];

  if (cls_slice_view_widget_to_voxel (self, x, y, index))
    move_cursor (self, index);
}

static void
select_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      ClsSliceView   *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  cursor_to_pointer (self, x, y);
}

static void
select_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       ClsSliceView   *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  cursor_to_pointer (self, x + dx, y + dy);
}

static void
pan_drag_begin_cb (GtkGestureDrag *gesture,
                   double          x,
                   double          y,
                   ClsSliceView   *self)
{
  memcpy (self->drag_pan, self->pan, sizeof self->pan);
}

static void
pan_drag_update_cb (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    ClsSliceView   *self)
{
  Layout l;

  if (!widget_layout (self, &l))
    return;
  dx *= gtk_widget_get_scale_factor (GTK_WIDGET (self));
  dy *= gtk_widget_get_scale_factor (GTK_WIDGET (self));
  self->pan[0] = self->drag_pan[0] - dx / l.px_per_mm;
  self->pan[1] = self->drag_pan[1] + dy / l.px_per_mm;
  queue_render (self);
}

static void
window_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      ClsSliceView   *self)
{
  cls_slice_style_get_window (self->style, &self->drag_window[0], &self->drag_window[1]);
}

/* Right-drag: across changes the width (multiplicatively), down raises the
 * level (darker), both relative to the width at the start. */
static void
window_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       ClsSliceView   *self)
{
  double width = self->drag_window[0];
  double level = self->drag_window[1];

  cls_slice_style_set_window (self->style, width * exp (dx / 200.0), level + dy * width / 200.0);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ClsSliceView             *self)
{
  self->pointer[0] = x;
  self->pointer[1] = y;
}

/* Sets the zoom keeping the point at device pixel (px, py) where it is. */
static void
zoom_about (ClsSliceView *self,
            double        zoom,
            double        px,
            double        py)
{
  Layout before;

  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (zoom == self->zoom)
    return;

  if (widget_layout (self, &before))
    {
      double mm_x = (px - before.width / 2) / before.px_per_mm + self->pan[0];
      double mm_y = (py - before.height / 2) / before.px_per_mm + self->pan[1];
      double px_per_mm = before.px_per_mm * zoom / self->zoom;

      self->pan[0] = mm_x - (px - before.width / 2) / px_per_mm;
      self->pan[1] = mm_y - (py - before.height / 2) / px_per_mm;
    }
  self->zoom = zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  queue_render (self);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           ClsSliceView             *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  int steps;

  if ((state & GDK_CONTROL_MASK) != 0)
    {
      int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

      zoom_about (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer[0] * scale,
                  (gtk_widget_get_height (GTK_WIDGET (self)) - self->pointer[1]) * scale);
      return TRUE;
    }

  /* Whole steps; a touchpad's fractions add up. Wheel up: towards R, A, S. */
  self->scroll_steps -= dy;
  steps = (int) trunc (self->scroll_steps);
  self->scroll_steps -= steps;
  if (steps != 0)
    change_slice (self, steps);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ClsSliceView          *self)
{
  Layout l;

  if (!widget_layout (self, &l))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_cursor_by (self, -l.dir_h, 0, 0);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_cursor_by (self, l.dir_h, 0, 0);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_cursor_by (self, 0, l.dir_v, 0);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_cursor_by (self, 0, -l.dir_v, 0);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      change_slice (self, 1);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      change_slice (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
add_drag (ClsSliceView *self,
          guint         button,
          GCallback     begin,
          GCallback     update)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
  g_signal_connect (drag, "drag-begin", begin, self);
  g_signal_connect (drag, "drag-update", update, self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

/* GObject
 * ------- */

static void
style_changed_cb (ClsSliceStyle *style,
                  ClsSliceView  *self)
{
  queue_render (self);
}

static void
cls_slice_view_dispose (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  if (self->style != NULL)
    g_signal_handlers_disconnect_by_func (self->style, style_changed_cb, self);
  g_clear_object (&self->style);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);

  G_OBJECT_CLASS (cls_slice_view_parent_class)->dispose (object);
}

static void
cls_slice_view_finalize (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  g_free (self->message);
  g_array_unref (self->variants);

  G_OBJECT_CLASS (cls_slice_view_parent_class)->finalize (object);
}

static void
cls_slice_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLANE:
      g_value_set_enum (value, self->plane);
      break;
    case PROP_STYLE:
      g_value_set_object (value, self->style);
      break;
    case PROP_VOLUMES:
      g_value_set_boxed (value, self->volumes);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLANE:
      self->plane = g_value_get_enum (value);
      break;
    case PROP_STYLE:
      cls_slice_view_set_style (self, g_value_get_object (value));
      break;
    case PROP_VOLUMES:
      cls_slice_view_set_volumes (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      cls_slice_view_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_view_constructed (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);
  g_autofree char *label = NULL;

  G_OBJECT_CLASS (cls_slice_view_parent_class)->constructed (object);

  label = g_strdup_printf (_("%s slice"), cls_slice_plane_get_label (self->plane));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Click to move the cursor; wheel or Page Up/Down: slice; arrows: cursor; "
                                    "Ctrl+wheel: zoom; middle-drag: pan; right-drag: window/level"),
                                  -1);
}

static void
cls_slice_view_class_init (ClsSliceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->constructed = cls_slice_view_constructed;
  object_class->dispose = cls_slice_view_dispose;
  object_class->finalize = cls_slice_view_finalize;
  object_class->get_property = cls_slice_view_get_property;
  object_class->set_property = cls_slice_view_set_property;

  widget_class->realize = cls_slice_view_realize;
  widget_class->unrealize = cls_slice_view_unrealize;

  area_class->render = cls_slice_view_render;
  area_class->create_context = cls_slice_view_create_context;

  properties[PROP_PLANE] =
    g_param_spec_enum ("plane", NULL, NULL, CLS_TYPE_SLICE_PLANE, CLS_SLICE_PLANE_AXIAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STYLE] =
    g_param_spec_object ("style", NULL, NULL, CLS_TYPE_SLICE_STYLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VOLUMES] =
    g_param_spec_boxed ("volumes", NULL, NULL, CLS_TYPE_SLICE_VOLUMES,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * ClsSliceView:message:
   *
   * Why the view cannot draw (no OpenGL, a volume too large for the GPU),
   * or %NULL. The container shows it over the view.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ClsSliceView::cursor-moved:
   *
   * The user moved the cursor voxel (click, drag, wheel, keys); read it
   * with cls_slice_view_get_cursor(). Not emitted by
   * cls_slice_view_set_cursor().
   */
  signals[CURSOR_MOVED] =
    g_signal_new ("cursor-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "clssliceview");
}

static void
cls_slice_view_init (ClsSliceView *self)
{
  GtkEventController *controller;

  self->zoom = 1.0;
  self->variants = g_array_new (FALSE, TRUE, sizeof (Variant));
  self->style = cls_slice_style_new ();
  g_signal_connect (self->style, "changed", G_CALLBACK (style_changed_cb), self);

  gtk_gl_area_set_required_version (GTK_GL_AREA (self), 3, 3);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 96, 96);

  add_drag (self, GDK_BUTTON_PRIMARY, G_CALLBACK (select_drag_begin_cb), G_CALLBACK (select_drag_update_cb));
  add_drag (self, GDK_BUTTON_MIDDLE, G_CALLBACK (pan_drag_begin_cb), G_CALLBACK (pan_drag_update_cb));
  add_drag (self, GDK_BUTTON_SECONDARY, G_CALLBACK (window_drag_begin_cb), G_CALLBACK (window_drag_update_cb));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * cls_slice_view_new:
 * @plane: which plane to show
 *
 * Returns: (transfer full): a new view, with a style of its own until
 *   cls_slice_view_set_style() shares one
 */
GtkWidget *
cls_slice_view_new (ClsSlicePlane plane)
{
  return g_object_new (CLS_TYPE_SLICE_VIEW, "plane", plane, NULL);
}

/**
 * cls_slice_view_get_plane:
 * @self: a #ClsSliceView
 *
 * Returns: the plane shown
 */
ClsSlicePlane
cls_slice_view_get_plane (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), CLS_SLICE_PLANE_AXIAL);
  return self->plane;
}

/**
 * cls_slice_view_get_style:
 * @self: a #ClsSliceView
 *
 * Returns: (transfer none): what the view draws; change it to change the picture
 */
ClsSliceStyle *
cls_slice_view_get_style (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->style;
}

/**
 * cls_slice_view_set_style:
 * @self: a #ClsSliceView
 * @style: the style to follow (shared with other views)
 */
void
cls_slice_view_set_style (ClsSliceView  *self,
                          ClsSliceStyle *style)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));
  g_return_if_fail (CLS_IS_SLICE_STYLE (style));

  if (self->style == style)
    return;
  g_signal_handlers_disconnect_by_func (self->style, style_changed_cb, self);
  g_set_object (&self->style, style);
  g_signal_connect (self->style, "changed", G_CALLBACK (style_changed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STYLE]);
  queue_render (self);
}

/**
 * cls_slice_view_get_volumes:
 * @self: a #ClsSliceView
 *
 * Returns: (transfer none) (nullable): the case shown
 */
ClsSliceVolumes *
cls_slice_view_get_volumes (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->volumes;
}

/**
 * cls_slice_view_set_volumes:
 * @self: a #ClsSliceView
 * @volumes: (nullable): the case to show, %NULL for none
 *
 * Shows a new case: the cursor goes to its focus voxel, the zoom and pan
 * are reset, and an automatic window is computed again for it.
 */
void
cls_slice_view_set_volumes (ClsSliceView    *self,
                            ClsSliceVolumes *volumes)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  if (self->volumes == volumes)
    return;
  if (volumes != NULL)
    cls_slice_volumes_ref (volumes);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);
  self->volumes = volumes;
  self->voxels_valid = FALSE;

  if (volumes != NULL)
    {
      cls_slice_volumes_get_focus (volumes, self->cursor);
      if (cls_slice_style_get_window_preset (self->style) == CLS_WINDOW_PRESET_AUTO)
        cls_slice_style_apply_preset (self->style, CLS_WINDOW_PRESET_AUTO, volumes);
    }
  set_message (self, NULL);
  cls_slice_view_reset_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUMES]);
  queue_render (self);
}

/**
 * cls_slice_view_get_cursor:
 * @self: a #ClsSliceView
 * @index: (out caller-allocates) (array fixed-size=3): the cursor voxel
 */
void
cls_slice_view_get_cursor (ClsSliceView *self,
                           gint64        index[3])
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));
  memcpy (index, self->cursor, sizeof self->cursor);
}

/**
 * cls_slice_view_set_cursor:
 * @self: a #ClsSliceView
 * @index: (array fixed-size=3): the voxel the view goes through (clamped to
 *   the volume)
 *
 * Does not emit #ClsSliceView::cursor-moved.
 */
void
cls_slice_view_set_cursor (ClsSliceView *self,
                           const gint64  index[3])
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  memcpy (self->cursor, index, sizeof self->cursor);
  if (self->volumes != NULL)
    clamp_index (self, self->cursor);
  queue_render (self);
}

/**
 * cls_slice_view_get_zoom:
 * @self: a #ClsSliceView
 *
 * Returns: the zoom (1: the whole volume fits)
 */
double
cls_slice_view_get_zoom (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), 1.0);
  return self->zoom;
}

/**
 * cls_slice_view_set_zoom:
 * @self: a #ClsSliceView
 * @zoom: the zoom (1: the whole volume fits), about the cursor: the cursor
 *   stays where it is on screen
 */
void
cls_slice_view_set_zoom (ClsSliceView *self,
                         double        zoom)
{
  Layout l;
  double px = 0, py = 0;

  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  if (widget_layout (self, &l))
    layout_from_voxel (&l, (double) self->cursor[l.axis_h], (double) self->cursor[l.axis_v], &px, &py);
  zoom_about (self, zoom, px, py);
}

/**
 * cls_slice_view_reset_view:
 * @self: a #ClsSliceView
 *
 * Zoom 1, no pan: the whole volume in view.
 */
void
cls_slice_view_reset_view (ClsSliceView *self)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  self->pan[0] = self->pan[1] = 0;
  if (self->zoom != 1.0)
    {
      self->zoom = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  queue_render (self);
}

/**
 * cls_slice_view_get_n_voxel_passes:
 * @self: a #ClsSliceView
 *
 * How many times the view has sampled its plane from the volumes' 3D
 * textures (its first drawing pass, run for a new plane, slice or case);
 * every other change only sets the second pass's uniforms. For tests.
 *
 * Returns: the count since the view was made
 */
guint
cls_slice_view_get_n_voxel_passes (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), 0);
  return self->n_voxel_passes;
}

/**
 * cls_slice_view_get_message:
 * @self: a #ClsSliceView
 *
 * Returns: (nullable): why the view cannot draw, or %NULL
 */
const char *
cls_slice_view_get_message (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->message;
}

static const char *
direction_letter (int world_axis,
                  int sign)
{
  switch (world_axis * 2 + (sign > 0))
    {
    case 0: return C_("patient direction", "L");
    case 1: return C_("patient direction", "R");
    case 2: return C_("patient direction", "P");
    case 3: return C_("patient direction", "A");
    case 4: return C_("patient direction", "I");
    default: return C_("patient direction", "S");
    }
}

/**
 * cls_slice_view_get_edge_labels:
 * @self: a #ClsSliceView
 * @left: (out) (optional): the patient direction at the left edge ("R", ...)
 * @right: (out) (optional): at the right edge
 * @top: (out) (optional): at the top edge
 * @bottom: (out) (optional): at the bottom edge
 *
 * The letters follow the plane and the convention, not the volume: the
 * volume is turned to fit them.
 */
void
cls_slice_view_get_edge_labels (ClsSliceView  *self,
                                const char   **left,
                                const char   **right,
                                const char   **top,
                                const char   **bottom)
{
  int world_h, world_v, sign;

  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  world_h = plane_axes[self->plane].world_h;
  world_v = plane_axes[self->plane].world_v;
  sign = screen_right_sign (self);
  if (left != NULL)
    *left = direction_letter (world_h, -sign);
  if (right != NULL)
    *right = direction_letter (world_h, sign);
  if (top != NULL)
    *top = direction_letter (world_v, 1);
  if (bottom != NULL)
    *bottom = direction_letter (world_v, -1);
}

/**
 * cls_slice_view_voxel_to_widget:
 * @self: a #ClsSliceView
 * @index: (array fixed-size=3): a voxel position (integers are voxel centres)
 * @x: (out): where it is drawn, in widget coordinates
 * @y: (out): ditto
 *
 * The coordinate through the plane is ignored.
 *
 * Returns: %FALSE without a case or a size
 */
gboolean
cls_slice_view_voxel_to_widget (ClsSliceView *self,
                                const double  index[3],
                                double       *x,
                                double       *y)
{
  int scale;
  double px, py;
  Layout l;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), FALSE);

  if (!widget_layout (self, &l))
    return FALSE;
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  layout_from_voxel (&l, index[l.axis_h], index[l.axis_v], &px, &py);
  *x = px / scale;
  *y = (l.height - py) / scale;
  return TRUE;
}

/**
 * cls_slice_view_widget_to_voxel:
 * @self: a #ClsSliceView
 * @x: a widget coordinate
 * @y: a widget coordinate
 * @index: (out caller-allocates) (array fixed-size=3): the voxel drawn
 *   there, in the plane of the cursor (clamped to the volume)
 *
 * Returns: %FALSE without a case or a size
 */
gboolean
cls_slice_view_widget_to_voxel (ClsSliceView *self,
                                double        x,
                                double        y,
                                gint64        index[3])
{
  int scale;
  double h, v;
  Layout l;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), FALSE);

  if (!widget_layout (self, &l))
    return FALSE;
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  layout_to_voxel (&l, x * scale, l.height - y * scale, &h, &v);
  memcpy (index, self->cursor, sizeof self->cursor);
  index[l.axis_h] = (gint64) floor (h + 0.5);
  index[l.axis_v] = (gint64) floor (v + 0.5);
  clamp_index (self, index);
  return TRUE;
}

static double
process_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

/* Draws the view as it is on screen (its size times the scale factor)
 * into a framebuffer of its own, then waits for OpenGL to finish. With
 * @pixels, reads the picture back (GL rows, bottom up, RGBA); with @time,
 * says how long the drawing took, glFinish included. */
static gboolean
draw_offscreen (ClsSliceView  *self,
                guint8       **pixels,
                int           *out_width,
                int           *out_height,
                ClsDrawTime   *time,
                GError       **error)
{
  GtkGLArea *area = GTK_GL_AREA (self);
  int scale, width, height;
  GLint previous = 0;
  GLuint framebuffer = 0, renderbuffer = 0;
  GLenum status;
  gint64 start;
  double start_cpu;

  if (!gtk_widget_get_realized (GTK_WIDGET (self)))
    {
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The slice view is not on screen"));
      return FALSE;
    }
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      g_propagate_error (error, g_error_copy (gtk_gl_area_get_error (area)));
      return FALSE;
    }

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  width = gtk_widget_get_width (GTK_WIDGET (self)) * scale;
  height = gtk_widget_get_height (GTK_WIDGET (self)) * scale;
  if (width <= 0 || height <= 0)
    {
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The slice view has no size yet"));
      return FALSE;
    }

  glGetIntegerv (GL_FRAMEBUFFER_BINDING, &previous);
  glGenFramebuffers (1, &framebuffer);
  glGenRenderbuffers (1, &renderbuffer);
  glBindRenderbuffer (GL_RENDERBUFFER, renderbuffer);
  glRenderbufferStorage (GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
  glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, renderbuffer);
  status = glCheckFramebufferStatus (GL_FRAMEBUFFER);

  if (status == GL_FRAMEBUFFER_COMPLETE)
    {
      glFinish ();
      start = g_get_monotonic_time ();
      start_cpu = process_cpu_ms ();
      draw (self, framebuffer, width, height, scale);
      gtk_gl_area_make_current (area);
      glFinish ();
      if (time != NULL)
        {
          time->wall_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
          time->cpu_ms = process_cpu_ms () - start_cpu;
        }
      if (pixels != NULL)
        {
          glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
          *pixels = g_malloc ((gsize) height * width * 4);
          glPixelStorei (GL_PACK_ALIGNMENT, 4);
          glReadPixels (0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, *pixels);
        }
    }

  glBindFramebuffer (GL_FRAMEBUFFER, (GLuint) previous);
  glDeleteFramebuffers (1, &framebuffer);
  glDeleteRenderbuffers (1, &renderbuffer);

  if (status != GL_FRAMEBUFFER_COMPLETE)
    {
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                   _("Could not make an off-screen framebuffer (status 0x%x)"), status);
      return FALSE;
    }
  if (out_width != NULL)
    *out_width = width;
  if (out_height != NULL)
    *out_height = height;
  return TRUE;
}

/**
 * cls_slice_view_render_to_texture:
 * @self: a realized #ClsSliceView
 * @error: return location for a #GError
 *
 * Draws the view as it is on screen (its size times the scale factor) into
 * a framebuffer of its own and reads it back. Only the GL picture: no
 * orientation letters.
 *
 * Returns: (transfer full) (nullable): an opaque RGBA texture, or %NULL
 *   with @error set
 */
GdkTexture *
cls_slice_view_render_to_texture (ClsSliceView  *self,
                                  GError       **error)
{
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *row = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int width = 0, height = 0;
  gsize stride;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!draw_offscreen (self, &pixels, &width, &height, NULL, error))
    return NULL;

  /* GL rows go up; texture rows go down. */
  stride = (gsize) width * 4;
  row = g_malloc (stride);
  for (int y = 0; y < height / 2; y++)
    {
      guint8 *a = pixels + (gsize) y * stride;
      guint8 *b = pixels + (gsize) (height - 1 - y) * stride;

      memcpy (row, a, stride);
      memcpy (a, b, stride);
      memcpy (b, row, stride);
    }

  bytes = g_bytes_new_take (g_steal_pointer (&pixels), (gsize) height * stride);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, stride);
}

/**
 * cls_slice_view_time_draw:
 * @self: a realized #ClsSliceView
 * @time: (out caller-allocates): how long the drawing took
 * @error: return location for a #GError
 *
 * Draws the view once off-screen, as cls_slice_view_render_to_texture()
 * does but without reading it back, and waits until OpenGL has finished
 * (glFinish). For benchmarks: see cls_tri_planar_measure_frames().
 *
 * Returns: whether it could draw
 */
gboolean
cls_slice_view_time_draw (ClsSliceView  *self,
                          ClsDrawTime   *time,
                          GError       **error)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), FALSE);
  g_return_val_if_fail (time != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return draw_offscreen (self, NULL, NULL, NULL, time, error);
}
