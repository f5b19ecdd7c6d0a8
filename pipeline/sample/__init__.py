"""The bundled sample month's generator (`reconcile sample`): not part of the audit."""
