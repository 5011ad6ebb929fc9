/**
 * The automation facade: everything a shell command, a JavaScript script or a Java snippet can do to a lab
 * goes through these types. Obtain a {@link dev.hyperlab.api.lab.Lab} from the engine and work from there.
 */
package dev.hyperlab.api.lab;
