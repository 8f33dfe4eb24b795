/**
 * Brick Schema Turtle of a site, both ways: {@link org.valley.server.spaces.brick.BrickTurtle}.
 * Only this package depends on Apache Jena; the building model itself ({@code org.valley.space.site})
 * knows nothing of RDF.
 */
package org.valley.server.spaces.brick;
