package dev.mirrorpo.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a component of a section record whose keys a preset writes in the section's own mapping, beside the
 * section's other keys: the dataset keys at the top of a preset, the ES and MPO keys of {@code search:}. The
 * records keep them apart, so that a group is one value in the code and one prefix in the params (es.sigma);
 * {@link SectionDeserializer} binds them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Inline {}
