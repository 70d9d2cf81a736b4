// JNI shim over libmujoco. It only does what must be native: compile a model, hold a batch of
// mjData, and advance the whole batch in one call. Reward and termination logic lives in Java.
//
// MuJoCo's default error handler calls exit(), which would kill the JVM; we install one that
// longjmps back to the JNI entry point, which then throws dev.mirrorpo.envs.MujocoException.
#include <jni.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>

#include "dev_mirrorpo_envs_MujocoNative.h"

static _Thread_local jmp_buf *error_jump = NULL;
static _Thread_local char error_text[1024];

static void on_mujoco_error(const char *msg) {
  snprintf(error_text, sizeof error_text, "%s", msg);
  if (error_jump != NULL) {
    longjmp(*error_jump, 1);
  }
  // An error outside a guarded call cannot be recovered; say so before MuJoCo aborts.
  fprintf(stderr, "mirrorpo: unrecoverable MuJoCo error outside a guarded call: %s\n", msg);
  abort();
}

// Instability warnings are counted in mjData.warning and read from there; printing them (the
// default) would also write MUJOCO_LOG.TXT into the working directory.
static void on_mujoco_warning(const char *msg) { (void)msg; }

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)vm;
  (void)reserved;
  mju_user_error = on_mujoco_error;
  mju_user_warning = on_mujoco_warning;
  return JNI_VERSION_1_8;
}

static void throw_mujoco(JNIEnv *env, const char *what, const char *detail) {
  char msg[1400];
  snprintf(msg, sizeof msg, "%s: %s", what, detail);
  jclass cls = (*env)->FindClass(env, "dev/mirrorpo/envs/MujocoException");
  if (cls != NULL) {
    (*env)->ThrowNew(env, cls, msg);
  }
}

typedef struct {
  const mjModel *model;
  int size;
  mjData **data;
} Batch;

JNIEXPORT jstring JNICALL Java_dev_mirrorpo_envs_MujocoNative_version(JNIEnv *env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, mj_versionString());
}

// mj_loadXML under the error guard; on failure returns NULL with MuJoCo's message in `error`.
static mjModel *guarded_load(const char *file_name, const mjVFS *vfs, char *error, int error_size) {
  mjModel *model = NULL;
  jmp_buf jump;
  error_jump = &jump;
  if (setjmp(jump) == 0) {
    model = mj_loadXML(file_name, vfs, error, error_size);
  } else {
    snprintf(error, (size_t)error_size, "%.*s", error_size - 1, error_text);
  }
  error_jump = NULL;
  return model;
}

// Compiles an MJCF document handed over as bytes, through MuJoCo's virtual file system.
static mjModel *load_from_memory(const char *file_name, JNIEnv *env, jbyteArray xml, char *error, int error_size) {
  jsize length = (*env)->GetArrayLength(env, xml);
  mjVFS *vfs = malloc(sizeof(mjVFS));
  if (vfs == NULL) {
    snprintf(error, (size_t)error_size, "out of memory allocating the virtual file system");
    return NULL;
  }
  mjModel *model = NULL;
  mj_defaultVFS(vfs);
  if (mj_makeEmptyFileVFS(vfs, file_name, length) != 0) {
    snprintf(error, (size_t)error_size, "cannot register the file in MuJoCo's virtual file system");
  } else {
    (*env)->GetByteArrayRegion(env, xml, 0, length, vfs->filedata[vfs->nfile - 1]);
    model = guarded_load(file_name, vfs, error, error_size);
  }
  mj_deleteVFS(vfs);
  free(vfs);
  return model;
}

JNIEXPORT jlong JNICALL Java_dev_mirrorpo_envs_MujocoNative_loadModel(JNIEnv *env, jclass cls,
                                                                       jbyteArray xml, jstring name) {
  (void)cls;
  const char *file_name = (*env)->GetStringUTFChars(env, name, NULL);
  char error[1000] = "";
  mjModel *model = load_from_memory(file_name, env, xml, error, sizeof error);
  if (model == NULL) {
    char what[300];
    snprintf(what, sizeof what, "MuJoCo could not load model '%.200s'", file_name);
    throw_mujoco(env, what, error[0] ? error : "unknown error");
  }
  (*env)->ReleaseStringUTFChars(env, name, file_name);
  return (jlong)(intptr_t)model;
}

JNIEXPORT void JNICALL Java_dev_mirrorpo_envs_MujocoNative_freeModel(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  mj_deleteModel((mjModel *)(intptr_t)handle);
}

JNIEXPORT jintArray JNICALL Java_dev_mirrorpo_envs_MujocoNative_modelSizes(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const mjModel *m = (const mjModel *)(intptr_t)handle;
  jint sizes[4] = {m->nq, m->nv, m->nu, m->nbody};
  jintArray out = (*env)->NewIntArray(env, 4);
  (*env)->SetIntArrayRegion(env, out, 0, 4, sizes);
  return out;
}

JNIEXPORT jdouble JNICALL Java_dev_mirrorpo_envs_MujocoNative_timestep(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  return ((const mjModel *)(intptr_t)handle)->opt.timestep;
}

JNIEXPORT jdoubleArray JNICALL Java_dev_mirrorpo_envs_MujocoNative_initialQpos(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const mjModel *m = (const mjModel *)(intptr_t)handle;
  jdoubleArray out = (*env)->NewDoubleArray(env, m->nq);
  (*env)->SetDoubleArrayRegion(env, out, 0, m->nq, m->qpos0);
  return out;
}

JNIEXPORT jlong JNICALL Java_dev_mirrorpo_envs_MujocoNative_makeBatch(JNIEnv *env, jclass cls, jlong model_handle,
                                                                      jint size) {
  (void)cls;
  const mjModel *m = (const mjModel *)(intptr_t)model_handle;
  Batch *batch = calloc(1, sizeof(Batch));
  mjData **data = batch ? calloc((size_t)size, sizeof(mjData *)) : NULL;
  if (data == NULL) {
    free(batch);
    throw_mujoco(env, "cannot allocate a batch of environments", "out of memory");
    return 0;
  }
  batch->model = m;
  batch->size = size;
  batch->data = data;
  for (int i = 0; i < size; i++) {
    data[i] = mj_makeData(m);
    if (data[i] == NULL) {
      for (int j = 0; j < i; j++) mj_deleteData(data[j]);
      free(data);
      free(batch);
      throw_mujoco(env, "cannot allocate mjData", "out of memory");
      return 0;
    }
  }
  return (jlong)(intptr_t)batch;
}

JNIEXPORT void JNICALL Java_dev_mirrorpo_envs_MujocoNative_freeBatch(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  Batch *batch = (Batch *)(intptr_t)handle;
  for (int i = 0; i < batch->size; i++) mj_deleteData(batch->data[i]);
  free(batch->data);
  free(batch);
}

// Puts environment `index` in the given state (time 0, no control) and recomputes derived quantities.
JNIEXPORT void JNICALL Java_dev_mirrorpo_envs_MujocoNative_setState(JNIEnv *env, jclass cls, jlong handle, jint index,
                                                                     jdoubleArray qpos, jdoubleArray qvel) {
  (void)cls;
  Batch *batch = (Batch *)(intptr_t)handle;
  const mjModel *m = batch->model;
  mjData *d = batch->data[index];
  mj_resetData(m, d);
  (*env)->GetDoubleArrayRegion(env, qpos, 0, m->nq, d->qpos);
  (*env)->GetDoubleArrayRegion(env, qvel, 0, m->nv, d->qvel);
  jmp_buf jump;
  error_jump = &jump;
  if (setjmp(jump) == 0) {
    mj_forward(m, d);
  } else {
    error_jump = NULL;
    throw_mujoco(env, "MuJoCo failed in mj_forward", error_text);
    return;
  }
  error_jump = NULL;
}

static int unstable_warnings(const mjData *d) {
  return d->warning[mjWARN_BADQPOS].number + d->warning[mjWARN_BADQVEL].number +
         d->warning[mjWARN_BADQACC].number;
}

static int state_is_finite(const mjModel *m, const mjData *d) {
  for (int k = 0; k < m->nq; k++)
    if (!isfinite(d->qpos[k])) return 0;
  for (int k = 0; k < m->nv; k++)
    if (!isfinite(d->qvel[k])) return 0;
  return 1;
}

// Advances every active environment by frame_skip physics steps under its control vector, then
// copies out qpos, qvel and (if asked) the external contact forces cfrc_ext of every body.
// An environment whose simulation goes unstable stops sub-stepping and is flagged in `unstable`.
JNIEXPORT void JNICALL Java_dev_mirrorpo_envs_MujocoNative_step(JNIEnv *env, jclass cls, jlong handle,
                                                                 jdoubleArray ctrl_array, jbooleanArray active_array,
                                                                 jint frame_skip, jdoubleArray qpos_array,
                                                                 jdoubleArray qvel_array, jdoubleArray cfrc_array,
                                                                 jbooleanArray unstable_array) {
  (void)cls;
  Batch *batch = (Batch *)(intptr_t)handle;
  const mjModel *m = batch->model;
  const int nq = m->nq, nv = m->nv, nu = m->nu, nb = m->nbody;

  double *ctrl = (*env)->GetPrimitiveArrayCritical(env, ctrl_array, NULL);
  jboolean *active = (*env)->GetPrimitiveArrayCritical(env, active_array, NULL);
  double *qpos = (*env)->GetPrimitiveArrayCritical(env, qpos_array, NULL);
  double *qvel = (*env)->GetPrimitiveArrayCritical(env, qvel_array, NULL);
  double *cfrc = cfrc_array ? (*env)->GetPrimitiveArrayCritical(env, cfrc_array, NULL) : NULL;
  jboolean *unstable = (*env)->GetPrimitiveArrayCritical(env, unstable_array, NULL);

  int failed = 0;
  jmp_buf jump;
  error_jump = &jump;
  if (setjmp(jump) == 0) {
    for (int i = 0; i < batch->size; i++) {
      unstable[i] = JNI_FALSE;
      if (!active[i]) continue;
      mjData *d = batch->data[i];
      memcpy(d->ctrl, ctrl + (size_t)i * nu, sizeof(double) * nu);
      const int warnings_before = unstable_warnings(d);
      for (int s = 0; s < frame_skip; s++) {
        mj_step(m, d);
        if (unstable_warnings(d) != warnings_before || !state_is_finite(m, d)) {
          unstable[i] = JNI_TRUE;
          break;
        }
      }
      memcpy(qpos + (size_t)i * nq, d->qpos, sizeof(double) * nq);
      memcpy(qvel + (size_t)i * nv, d->qvel, sizeof(double) * nv);
      if (cfrc != NULL) {
        // mj_step leaves cfrc_ext stale; Gymnasium's Ant recomputes it the same way.
        mj_rnePostConstraint(m, d);
        memcpy(cfrc + (size_t)i * nb * 6, d->cfrc_ext, sizeof(double) * nb * 6);
      }
    }
  } else {
    failed = 1;
  }
  error_jump = NULL;

  (*env)->ReleasePrimitiveArrayCritical(env, unstable_array, unstable, 0);
  if (cfrc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, cfrc_array, cfrc, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, qvel_array, qvel, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, qpos_array, qpos, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, active_array, active, JNI_ABORT);
  (*env)->ReleasePrimitiveArrayCritical(env, ctrl_array, ctrl, JNI_ABORT);
  if (failed) throw_mujoco(env, "MuJoCo failed in mj_step", error_text);
}
