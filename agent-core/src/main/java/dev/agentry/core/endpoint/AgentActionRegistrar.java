package dev.agentry.core.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/** Registers every {@link AgentAction} method of every bean as a handler. */
final class AgentActionRegistrar implements BeanPostProcessor {

	private final AgentActions actions;

	public AgentActionRegistrar(AgentActions actions) {
		this.actions = actions;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		Map<Method, AgentAction> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<AgentAction>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, AgentAction.class));
		methods.forEach((method, annotation) -> this.actions.register(annotation.endpoint(), annotation.value(),
				handlerFor(bean, method), annotation.inline()));
		return bean;
	}

	private static ActionHandler handlerFor(Object bean, Method method) {
		Class<?>[] types = method.getParameterTypes();
		long bound = java.util.Arrays.stream(types)
			.filter((type) -> type != ActionRequest.class && !JsonNode.class.isAssignableFrom(type))
			.count();
		if (bound > 1) {
			throw new IllegalStateException("@AgentAction method " + method + " may bind at most one parameter");
		}
		ReflectionUtils.makeAccessible(method);
		return (request) -> {
			Object[] args = new Object[types.length];
			for (int i = 0; i < types.length; i++) {
				if (types[i] == ActionRequest.class) {
					args[i] = request;
				}
				else if (JsonNode.class.isAssignableFrom(types[i])) {
					args[i] = request.body();
				}
				else {
					args[i] = request.bind(types[i]);
				}
			}
			try {
				return method.invoke(bean, args);
			}
			catch (InvocationTargetException ex) {
				Throwable cause = ex.getCause();
				if (cause instanceof Exception exception) {
					throw exception;
				}
				throw (Error) cause;
			}
		};
	}

}
