/**
 * Extension points: firmware models, guest drivers and backup strategies. The engine calls its built-ins through
 * these same interfaces, so a plugin's extension is a peer of a built-in one.
 */
package dev.hyperlab.api.spi;
