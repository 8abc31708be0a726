package dev.agentry.migrate.audit;

import java.util.List;

/** A check of one class; one implementation per rule or small group of related rules. */
interface Rule {

	List<Finding> check(ClassScope scope);

}
